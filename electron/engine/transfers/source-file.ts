// The file an upload attempt reads, opened once (platform/safe-open.ts: no link followed, no FIFO waited
// on, a regular file, the inode that was queued) and read only through that descriptor: every part,
// buffered or streamed, so a name swapped for a link or another file after the check is never read.
import type { FileHandle } from 'node:fs/promises';
import { openRegularFile } from '../platform/safe-open.js';
import { FileMissingError, versionOf } from './file-version.js';
import type { FileVersion } from './journal.js';

export interface SourceFile {
  readonly path: string;
  readonly handle: FileHandle;
  /** The version of the open file (fstat of its descriptor). */
  readonly version: FileVersion;
  /** Closes the descriptor once every read through it has finished. */
  close(): Promise<void>;
}

/** Opens `path` for an upload attempt; `plannedIno` is the inode recorded when it was queued. */
export async function openSource(path: string, plannedIno: string | undefined): Promise<SourceFile> {
  try {
    const { handle, stat } = await openRegularFile(path, { ino: plannedIno });
    return { path, handle, version: versionOf(stat), close: () => handle.close().catch(() => undefined) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new FileMissingError(`${path} no longer exists`);
    throw error;
  }
}
