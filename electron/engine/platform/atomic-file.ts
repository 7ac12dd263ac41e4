// Writes a whole file or nothing: a temporary file beside the target, fsync, then rename over it, so a
// crash never leaves a half-written file behind. The temporary file has a random name and is created
// exclusively, never through a link (createExclusive): someone who can write in the folder can neither
// guess it nor plant a link there that would make us write somewhere else.
import { randomBytes } from 'node:crypto';
import { closeSync, constants, fsyncSync, openSync, renameSync, writeSync, rmSync } from 'node:fs';

/**
 * O_EXCL fails if anything is at the path, a link included (even a dangling one: O_CREAT|O_EXCL never
 * follows it); O_NOFOLLOW says so where O_EXCL alone might not. Windows has no O_NOFOLLOW, and its O_EXCL
 * (CREATE_NEW) already refuses an existing link.
 */
export const EXCLUSIVE_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0);

/** Creates `file` for writing with `mode`, failing (EEXIST) when anything is already there. */
export function createExclusive(file: string, mode = 0o600): number {
  return openSync(file, EXCLUSIVE_FLAGS, mode);
}

/** A temporary name beside `file` that nobody can guess: 128 random bits. */
export function temporaryNameFor(file: string): string {
  return `${file}.${randomBytes(16).toString('hex')}.tmp`;
}

export function writeFileAtomic(file: string, data: string | Uint8Array, mode = 0o600): void {
  const temp = temporaryNameFor(file);
  const fd = createExclusive(temp, mode);
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw error;
  }
  closeSync(fd);
  renameSync(temp, file);
}
