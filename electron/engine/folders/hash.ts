// Content hashes (sha256): read in 1 MiB chunks through the thread pool, so a big file never sits in
// memory and the event loop only runs one short digest update per chunk (docs/ARCHITECTURE.md, style
// rule 10): nothing here blocks the loop for long enough to need a worker. The file is opened once
// (platform/safe-open.ts: no link followed, no FIFO waited on, the inode the scan found) and read only
// through that descriptor.
import { createHash } from 'node:crypto';
import { openRegularFile, type Planned } from '../platform/safe-open.js';

/** Files larger than this are not hashed when queued: their mtime alone decides (see README). */
export const maxHashedBytes = 256 * 1024 * 1024;

const CHUNK = 1024 * 1024;

export async function sha256File(path: string, planned: Planned = {}, signal?: AbortSignal): Promise<string> {
  const { handle } = await openRegularFile(path, planned);
  try {
    const hash = createHash('sha256');
    const chunk = Buffer.allocUnsafe(CHUNK);
    for (;;) {
      signal?.throwIfAborted();
      const { bytesRead } = await handle.read(chunk, 0, CHUNK, null);
      if (bytesRead === 0) break;
      hash.update(chunk.subarray(0, bytesRead));
    }
    return hash.digest('hex');
  } finally {
    await handle.close();
  }
}

/** Files up to this size are hashed from one whole read (no stream set-up per file). */
export const smallFileBytes = 1024 * 1024;

/**
 * sha256 of a small file, read in one go into a buffer sized from the descriptor's stat, plus one byte: a
 * file that grew since shows it in that read and is then read to its end (the caller re-checks its version).
 */
export async function sha256SmallFile(path: string, planned: Planned = {}): Promise<string> {
  const { handle, stat } = await openRegularFile(path, planned);
  try {
    const hash = createHash('sha256');
    const buffer = Buffer.allocUnsafe(Number(stat.size) + 1);
    let position = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
      position += bytesRead;
      // A short read of a regular file is its end.
      if (bytesRead < buffer.length) break;
    }
    return hash.digest('hex');
  } finally {
    await handle.close();
  }
}
