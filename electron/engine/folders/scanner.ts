// Walks a watched folder: iteratively (an explicit stack, so a deep tree cannot blow the call stack),
// reading directory entries as raw bytes (to catch names that are not UTF-8), lstat-ing files in
// small parallel batches through the thread pool, and yielding to the event loop every `yieldEvery`
// entries so IPC and the queue keep running during a 100,000-file scan.
//
// Links are never followed (neither into nor out of the folder), so link loops cannot happen; a
// directory reached twice through the same (device, inode) — only possible with bind mounts — is
// reported as a loop and not entered again. Files and folders that vanish mid-scan are simply not
// there; unreadable folders are reported (and looked at again on the next scan). Only regular files
// are reported as files: FIFOs, sockets and devices are skipped (opening a FIFO would hang).
import type { Stats } from 'node:fs';
import { lstat, opendir } from 'node:fs/promises';
import path from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { describeFsError } from '../intake/expand-paths.js';
import { decodeName } from '../keys/file-names.js';
import type { IgnoreRules } from './ignore-rules.js';

export interface ScannedFile {
  /** Path inside the folder with "/" separators, as on disk (not yet NFC). */
  relative: string;
  absolute: string;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: string;
}

export type ScanProblemKind = 'unreadable' | 'invalid-name' | 'link' | 'loop';

export interface ScanProblem {
  relative: string;
  kind: ScanProblemKind;
  message: string;
}

export interface ScanOptions {
  ignore: IgnoreRules;
  onFile: (file: ScannedFile) => void | Promise<void>;
  onProblem: (problem: ScanProblem) => void;
  /** Start below the root (a directory that appeared); "" or undefined for the whole folder. */
  under?: string;
  signal?: AbortSignal;
  yieldEvery?: number;
  /** lstat calls in flight at once. */
  statBatch?: number;
}

export interface ScanResult {
  files: number;
  /** False when the root itself could not be read (missing, unmounted, not allowed). */
  rootReadable: boolean;
  rootError?: NodeJS.ErrnoException;
}

export function isGone(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

export async function scanFolder(root: string, options: ScanOptions): Promise<ScanResult> {
  const yieldEvery = options.yieldEvery ?? 256;
  const statBatch = options.statBatch ?? 32;
  const visited = new Set<string>();
  const stack: string[] = [options.under ?? ''];
  let files = 0;
  let sinceYield = 0;
  let first = true;

  while (stack.length > 0) {
    options.signal?.throwIfAborted();
    const dirRelative = stack.pop() as string;
    const dirAbsolute = dirRelative ? path.join(root, ...dirRelative.split('/')) : root;
    const isRoot = first;
    first = false;

    let dirStats: Stats;
    let handle;
    try {
      dirStats = await lstat(dirAbsolute);
      if (!dirStats.isDirectory()) {
        if (isRoot && !options.under)
          return {
            files,
            rootReadable: false,
            rootError: Object.assign(new Error('not a folder'), { code: 'ENOTDIR' }),
          };
        continue;
      }
      handle = await opendir(dirAbsolute, { encoding: 'buffer' as BufferEncoding, bufferSize: 64 });
    } catch (error) {
      if (isRoot && !options.under) return { files, rootReadable: false, rootError: error as NodeJS.ErrnoException };
      if (!isGone(error))
        options.onProblem({ relative: dirRelative, kind: 'unreadable', message: describeFsError(error) });
      continue;
    }
    const identity = `${dirStats.dev}:${dirStats.ino}`;
    if (visited.has(identity)) {
      await handle.close().catch(() => {});
      options.onProblem({
        relative: dirRelative,
        kind: 'loop',
        message: 'This folder is the same folder as one already scanned (a mount loop); it was not scanned twice.',
      });
      continue;
    }
    visited.add(identity);

    let batch: string[] = [];
    const drain = async () => {
      const names = batch;
      batch = [];
      const stats = await Promise.all(
        names.map((rel) =>
          lstat(path.join(root, ...rel.split('/'))).then(
            (s) => s,
            (error: unknown) => error,
          ),
        ),
      );
      for (let i = 0; i < names.length; i++) {
        const rel = names[i] as string;
        const s = stats[i];
        if (!(s && typeof s === 'object' && 'isFile' in s)) {
          // Vanished between readdir and lstat: nothing to do. Anything else is worth saying.
          if (!isGone(s)) options.onProblem({ relative: rel, kind: 'unreadable', message: describeFsError(s) });
          continue;
        }
        const st = s as Stats;
        if (st.isSymbolicLink()) {
          options.onProblem({ relative: rel, kind: 'link', message: 'Links are not followed.' });
        } else if (st.isDirectory()) {
          if (!options.ignore.ignores(rel, true)) stack.push(rel);
        } else if (st.isFile()) {
          if (options.ignore.ignores(rel, false)) continue;
          files++;
          await options.onFile({
            relative: rel,
            absolute: path.join(root, ...rel.split('/')),
            size: st.size,
            mtimeMs: st.mtimeMs,
            ctimeMs: st.ctimeMs,
            ino: String(st.ino),
          });
        }
      }
    };

    try {
      for await (const entry of handle) {
        const raw = entry.name as unknown as Buffer;
        const decoded = decodeName(raw);
        const rel = dirRelative ? `${dirRelative}/` : '';
        if (!decoded.ok) {
          const shown = `${rel}${decoded.display}`;
          // Ignored litter with a broken name stays ignored; everything else is reported.
          if (!options.ignore.ignores(shown, entry.isDirectory())) {
            options.onProblem({
              relative: shown,
              kind: 'invalid-name',
              message: 'The name is not valid Unicode (UTF-8), so it cannot be a storage key.',
            });
          }
          continue;
        }
        batch.push(`${rel}${decoded.name}`);
        if (batch.length >= statBatch) await drain();
        if (++sinceYield >= yieldEvery) {
          sinceYield = 0;
          await yieldToLoop();
          options.signal?.throwIfAborted();
        }
      }
      await drain();
    } catch (error) {
      if (options.signal?.aborted) throw error;
      // The directory vanished (or became unreadable) while we read it.
      if (!isGone(error))
        options.onProblem({ relative: dirRelative, kind: 'unreadable', message: describeFsError(error) });
      else if (isRoot && !options.under)
        return { files, rootReadable: false, rootError: error as NodeJS.ErrnoException };
    }
  }
  return { files, rootReadable: true };
}
