// Turns dropped or chosen paths into upload items: folders are walked, names become keys relative
// to the user's prefix, and a key this client already used for a different file gets a new name
// ("photo (2).jpg") instead of silently replacing it. Everything that is not uploaded comes back as
// a skipped input with its reason: an upload is complete only when nothing was skipped.
import type { Dirent, Stats } from 'node:fs';
import { lstat, opendir, realpath } from 'node:fs/promises';
import path from 'node:path';
import { checkRelativeKey, trimTrailingSlashes } from '../keys/relative-key.js';
import { contains } from './path-contains.js';

export interface IntakeItem {
  path: string;
  destination: string;
}

export interface SkippedInput {
  path: string;
  /** Why, in words a person can act on; the same text for the same kind of problem (so they can be counted). */
  reason: string;
}

export interface IntakeResult {
  items: IntakeItem[];
  skipped: SkippedInput[];
}

export interface IntakeOptions {
  /** Folder under the user's prefix ("Projects/2026"), already checked with checkDestinationFolder. */
  to?: string | undefined;
  /** Hoist's own data folder: never uploaded (its state DB and lock change all the time)... */
  dataDir?: string | undefined;
  /** ...but for its staging folder, which holds copies of files dropped into the headless window. */
  stagingDir?: string | undefined;
  /** The source path that already owns a destination, if any. */
  destinationOwner: (destination: string) => string | undefined;
}

/**
 * Where the headless window stages files dropped into a plain browser (it has no paths to give): the one
 * part of the data folder that may be uploaded, since it holds only copies of what the user dropped.
 */
export function stagingDirOf(dataDir: string): string {
  return path.join(dataDir, 'staging');
}

export const dataFolderReason =
  'This is Hoist’s own data folder (state database, lock, logs), which is never uploaded.';
const insideDataFolderReason = 'This is inside Hoist’s own data folder, which is never uploaded.';

export async function expandPaths(paths: string[], options: IntakeOptions): Promise<IntakeResult> {
  const items: IntakeItem[] = [];
  const skipped = new Map<string, SkippedInput>();
  // Each path is reported once, however many of the inputs lead to it.
  const skip = (where: string, reason: string) => {
    if (!skipped.has(where)) skipped.set(where, { path: where, reason });
  };
  const base = options.to ? trimTrailingSlashes(options.to) : '';
  const claimed = new Map<string, string>();
  // A file named twice ("a a ./a", or a file and its folder) is one upload; a folder is walked once.
  const taken = new Set<string>();
  const walked = new Set<string>();
  const dataDir =
    options.dataDir === undefined
      ? undefined
      : await realpath(options.dataDir).catch(() => path.resolve(options.dataDir!));
  const stagingDir =
    options.stagingDir === undefined
      ? undefined
      : await realpath(options.stagingDir).catch(() => path.resolve(options.stagingDir!));

  const add = (file: string, relative: string) => {
    if (taken.has(file)) return;
    taken.add(file);
    const wanted = joinKey(base, relative.normalize('NFC'));
    const destination = freeDestination(wanted, file, (d) => claimed.get(d) ?? options.destinationOwner(d));
    const problem = checkRelativeKey(destination);
    if (problem) return skip(file, problem);
    claimed.set(destination, file);
    items.push({ path: file, destination });
  };

  for (const input of paths) {
    const refused = checkInput(input);
    if (refused) {
      skip(input, refused);
      continue;
    }
    const absolute = path.resolve(input);
    let stats;
    try {
      stats = await lstat(absolute);
    } catch (error) {
      skip(input, describeFsError(error));
      continue;
    }
    if (stats.isSymbolicLink()) {
      skip(input, 'Links are not followed: name the file or folder it points to instead.');
      continue;
    }
    // Compared on real paths, so a way round through a linked parent folder is caught too.
    const real = dataDir === undefined ? absolute : await realpath(absolute).catch(() => absolute);
    if (
      dataDir !== undefined &&
      contains(dataDir, real) &&
      !(stagingDir !== undefined && real !== stagingDir && contains(stagingDir, real))
    ) {
      skip(input, real === dataDir ? dataFolderReason : insideDataFolderReason);
      continue;
    }
    if (stats.isFile()) add(absolute, path.basename(absolute));
    else if (stats.isDirectory()) {
      const excluded =
        dataDir !== undefined && contains(real, dataDir)
          ? path.join(absolute, path.relative(real, dataDir))
          : undefined;
      await walk(absolute, path.basename(absolute), { add, skip, walked, excluded });
    } else skip(input, describeSpecialFile(stats));
  }
  return { items, skipped: [...skipped.values()] };
}

/** Paths that name nothing the file system could check: refused before any lookup. */
function checkInput(input: string): string | undefined {
  // path.resolve('') is the current folder: an empty argument must never upload it.
  if (input === '') return 'The path is empty.';
  if (input.includes('\0')) return 'The path contains a NUL byte, which no file name can contain.';
  return undefined;
}

interface WalkContext {
  add: (file: string, relative: string) => void;
  skip: (path: string, reason: string) => void;
  walked: Set<string>;
  /** The data folder's path as seen from this walk, when the walked folder contains it. */
  excluded: string | undefined;
}

async function walk(dir: string, relative: string, context: WalkContext): Promise<void> {
  if (context.walked.has(dir)) return;
  context.walked.add(dir);
  if (dir === context.excluded) return context.skip(dir, dataFolderReason);
  try {
    const handle = await opendir(dir);
    for await (const entry of handle) {
      const full = path.join(dir, entry.name);
      const rel = `${relative}/${entry.name}`;
      if (entry.isFile()) context.add(full, rel);
      else if (entry.isDirectory()) await walk(full, rel, context);
      // Links are never followed: they could lead out of the folder or round in a loop.
      else if (entry.isSymbolicLink())
        context.skip(full, 'Links are not followed: upload the file or folder it points to itself.');
      else context.skip(full, describeSpecialFile(entry));
    }
  } catch (error) {
    context.skip(dir, describeFsError(error));
  }
}

function describeSpecialFile(entry: Stats | Dirent): string {
  const kind = entry.isFIFO()
    ? 'a named pipe (FIFO)'
    : entry.isSocket()
      ? 'a socket'
      : entry.isCharacterDevice() || entry.isBlockDevice()
        ? 'a device'
        : 'a special file';
  return `This is ${kind}, not a regular file: only files and folders are uploaded.`;
}

function joinKey(base: string, relative: string): string {
  return base ? `${base}/${relative}` : relative;
}

/** The wanted key, or "name (n).ext" when a different file already owns it. */
function freeDestination(wanted: string, file: string, owner: (destination: string) => string | undefined): string {
  const current = owner(wanted);
  if (current === undefined || current === file) return wanted;
  const dot = wanted.lastIndexOf('.');
  const slash = wanted.lastIndexOf('/');
  const hasExt = dot > slash + 1;
  const stem = hasExt ? wanted.slice(0, dot) : wanted;
  const ext = hasExt ? wanted.slice(dot) : '';
  for (let n = 2; ; n++) {
    const candidate = `${stem} (${n})${ext}`;
    const o = owner(candidate);
    if (o === undefined || o === file) return candidate;
  }
}

/** A file system error in words, without the path (the caller shows it next to the reason). */
export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT':
      return 'The file or folder does not exist (or no longer exists).';
    case 'ENOTDIR':
      return 'A part of the path is a file, not a folder.';
    case 'EACCES':
    case 'EPERM':
      return 'Hoist is not allowed to read this file or folder: check its permissions, or run as a user who can read it.';
    case 'ELOOP':
      return 'Too many levels of links.';
    case 'ENAMETOOLONG':
      return 'The path is too long for this file system.';
    case 'EIO':
      return 'The disk could not be read (input/output error).';
    case 'EMFILE':
    case 'ENFILE':
      return 'Too many files are open: try again, or upload fewer folders at once.';
    default:
      return code ? `It could not be read (${code}).` : error instanceof Error ? error.message : String(error);
  }
}
