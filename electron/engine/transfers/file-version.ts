// One consistent version of a source file, recorded when an upload starts and checked around every part
// and before Complete. Size, mtime and inode alone miss a file rewritten in place with its mtime put back
// (rsync, editors, restore tools); the change time cannot be set back by a user, so it is compared too.
import { lstat } from 'node:fs/promises';
import { NotAFileError, UnsafeFileError } from '../platform/safe-open.js';
import type { FileVersion } from './journal.js';

export class FileChangedError extends Error {
  override name = 'FileChangedError';
}
export class FileMissingError extends Error {
  override name = 'FileMissingError';
}
export { NotAFileError };

/** The version at `path` now, by name: a link there is refused, never followed (nothing is opened). */
export async function readVersion(path: string): Promise<FileVersion> {
  try {
    const s = await lstat(path, { bigint: true });
    if (s.isSymbolicLink()) throw new UnsafeFileError(path, 'link');
    if (!s.isFile()) throw new NotAFileError(`${path} is not a regular file`);
    return versionOf(s);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') {
      throw new FileMissingError(`${path} no longer exists`);
    }
    throw error;
  }
}

/** The version a bigint stat describes (times to the nanosecond, as milliseconds with a fraction). */
export function versionOf(s: { size: bigint; mtimeNs: bigint; ctimeNs: bigint; ino: bigint }): FileVersion {
  return { size: Number(s.size), mtimeMs: nsToMs(s.mtimeNs), ctimeMs: nsToMs(s.ctimeNs), ino: s.ino.toString() };
}

const nsToMs = (ns: bigint): number => Number(ns / 1_000_000n) + Number(ns % 1_000_000n) / 1e6;

/** A version with an unknown change time (journaled by an older Hoist) is never the same as another. */
export function sameVersion(a: FileVersion, b: FileVersion): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs && a.ino === b.ino;
}

/** Throws FileChangedError / FileMissingError unless the file is still exactly `expected`. */
export async function assertVersion(path: string, expected: FileVersion): Promise<void> {
  const now = await readVersion(path);
  if (!sameVersion(now, expected)) throw new FileChangedError(`${path} changed while it was being uploaded`);
}
