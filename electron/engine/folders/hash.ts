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

/** Files up to this size are hashed from one whole read, on the small-file hasher's thread (small-hasher.ts). */
export const smallFileBytes = 1024 * 1024;
