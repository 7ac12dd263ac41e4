// Opening a user's file to read it, the one way every reader does (docs/ARCHITECTURE.md, Data safety:
// one consistent file version). A file in a watched or chosen folder can be swapped between the scan and
// the read: for a link to a secret elsewhere, a FIFO that would block a reader for good, a device that
// never ends, or another file renamed over it. So the file is opened once, without following a link in
// its last component and without waiting for a FIFO's writer, the descriptor itself is looked at
// (a regular file, the inode that was planned), and every byte is then read through that descriptor.
import { constants, fstatSync, lstatSync, openSync, closeSync, type BigIntStats } from 'node:fs';
import { lstat, open, type FileHandle } from 'node:fs/promises';

export type UnsafeReason = 'link' | 'special' | 'replaced';

/** Something that is not a regular file where one was expected. */
export class NotAFileError extends Error {
  override name = 'NotAFileError';
}

/** A file that must not be read: a link, anything but a regular file, or not the file that was planned. */
export class UnsafeFileError extends NotAFileError {
  override name = 'UnsafeFileError';
  constructor(
    readonly path: string,
    readonly reason: UnsafeReason,
  ) {
    super(
      reason === 'link'
        ? `${path} is a link; links are never followed, so it is not uploaded`
        : reason === 'special'
          ? `${path} is not a regular file (a pipe, device or socket is never read), so it is not uploaded`
          : `${path} was replaced by another file after it was queued, so it is not uploaded; add it again to upload the new file`,
    );
  }
}

/** What the caller planned to read: the inode found by the scan (decimal; empty or "0" = not known). */
export interface Planned {
  ino?: string | undefined;
}

/**
 * O_NOFOLLOW refuses a link as the last component (ELOOP; EMLINK on FreeBSD); O_NONBLOCK makes opening a
 * FIFO with no writer return at once instead of blocking. Windows has neither flag: there the path is
 * lstat'ed before the open and the descriptor compared with it (a link swapped in between shows as
 * another file), and a named pipe does not live among files, so there is nothing to block on.
 */
const NOFOLLOW = constants.O_NOFOLLOW;
const FLAGS = NOFOLLOW === undefined ? constants.O_RDONLY : constants.O_RDONLY | NOFOLLOW | (constants.O_NONBLOCK ?? 0);

/** Opens `path` for reading as described above; the caller closes the handle. */
export async function openRegularFile(
  path: string,
  planned: Planned = {},
): Promise<{ handle: FileHandle; stat: BigIntStats }> {
  const before = NOFOLLOW === undefined ? await lstat(path, { bigint: true }) : undefined;
  if (before?.isSymbolicLink()) throw new UnsafeFileError(path, 'link');
  let handle: FileHandle;
  try {
    handle = await open(path, FLAGS);
  } catch (error) {
    throw refusedOpen(error, path);
  }
  try {
    const stat = await handle.stat({ bigint: true });
    check(path, stat, planned, before);
    return { handle, stat };
  } catch (error) {
    await handle.close().catch(() => undefined);
    throw error;
  }
}

/** openRegularFile for a thread that may block (the small-file reader's): returns the descriptor. */
export function openRegularFileSync(path: string, planned: Planned = {}): { fd: number; stat: BigIntStats } {
  const before = NOFOLLOW === undefined ? lstatSync(path, { bigint: true }) : undefined;
  if (before?.isSymbolicLink()) throw new UnsafeFileError(path, 'link');
  let fd: number;
  try {
    fd = openSync(path, FLAGS);
  } catch (error) {
    throw refusedOpen(error, path);
  }
  try {
    const stat = fstatSync(fd, { bigint: true });
    check(path, stat, planned, before);
    return { fd, stat };
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

/** Whether an inode recorded as a decimal string is known (Windows or an old journal may have none). */
export const knownIno = (ino: string | undefined): ino is string => ino !== undefined && ino !== '' && ino !== '0';

/**
 * Whether a recorded inode names `actual`. A scan that lstat'ed without bigints recorded it as a double,
 * which rounds inodes past 2^53: that spelling counts as the same.
 */
export function sameIno(recorded: string, actual: string | bigint): boolean {
  const exact = BigInt(actual);
  return recorded === String(exact) || recorded === String(Number(exact));
}

function check(path: string, stat: BigIntStats, planned: Planned, before: BigIntStats | undefined): void {
  if (!stat.isFile()) throw new UnsafeFileError(path, 'special');
  if (before && (before.ino !== stat.ino || before.dev !== stat.dev)) throw new UnsafeFileError(path, 'replaced');
  if (knownIno(planned.ino) && !sameIno(planned.ino, stat.ino)) throw new UnsafeFileError(path, 'replaced');
}

function refusedOpen(error: unknown, path: string): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ELOOP' || code === 'EMLINK' ? new UnsafeFileError(path, 'link') : error;
}
