// Turns dropped or chosen paths into upload items: folders are walked, names become keys relative
// to the user's prefix, and a key this client already used for a different file gets a new name
// ("photo (2).jpg") instead of silently replacing it.
import { lstat, opendir } from 'node:fs/promises';
import path from 'node:path';
import { checkRelativeKey } from './keys.js';

export interface IntakeItem {
  path: string;
  destination: string;
}

export interface IntakeProblem {
  path: string;
  message: string;
}

export interface IntakeResult {
  items: IntakeItem[];
  problems: IntakeProblem[];
}

/**
 * @param to optional folder under the user's prefix ("Projects/2026")
 * @param destinationOwner the source path that already owns a destination, if any
 */
export async function expandPaths(
  paths: string[],
  to: string | undefined,
  destinationOwner: (destination: string) => string | undefined,
): Promise<IntakeResult> {
  const items: IntakeItem[] = [];
  const problems: IntakeProblem[] = [];
  const base = to ? to.split(/[\\/]+/).filter(Boolean).join('/') : '';
  const claimed = new Map<string, string>();

  const add = (file: string, relative: string) => {
    const wanted = joinKey(base, relative.normalize('NFC'));
    const destination = freeDestination(wanted, file, (d) => claimed.get(d) ?? destinationOwner(d));
    const problem = checkRelativeKey(destination);
    if (problem) return problems.push({ path: file, message: problem });
    claimed.set(destination, file);
    items.push({ path: file, destination });
  };

  for (const input of paths) {
    const absolute = path.resolve(input);
    let stats;
    try {
      stats = await lstat(absolute);
    } catch (error) {
      problems.push({ path: input, message: describeFsError(error) });
      continue;
    }
    if (stats.isSymbolicLink()) problems.push({ path: input, message: 'Links are not uploaded; drop the file or folder itself.' });
    else if (stats.isFile()) add(absolute, path.basename(absolute));
    else if (stats.isDirectory()) await walk(absolute, path.basename(absolute), add, problems);
    else problems.push({ path: input, message: 'Only regular files and folders can be uploaded.' });
  }
  return { items, problems };
}

async function walk(dir: string, relative: string, add: (file: string, relative: string) => void, problems: IntakeProblem[]): Promise<void> {
  let handle;
  try {
    handle = await opendir(dir);
  } catch (error) {
    problems.push({ path: dir, message: describeFsError(error) });
    return;
  }
  for await (const entry of handle) {
    const full = path.join(dir, entry.name);
    const rel = `${relative}/${entry.name}`;
    // Links are never followed: they could lead out of the folder or round in a loop.
    if (entry.isFile()) add(full, rel);
    else if (entry.isDirectory()) await walk(full, rel, add, problems);
  }
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

export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT':
      return 'The file or folder no longer exists.';
    case 'EACCES':
    case 'EPERM':
      return 'Hoist is not allowed to read this file or folder.';
    case 'ELOOP':
      return 'Too many levels of links.';
    default:
      return error instanceof Error ? error.message : String(error);
  }
}
