// Content hashes (sha256, streamed): read in 1 MiB chunks through the thread pool, so a big file
// never sits in memory and the event loop only runs one short digest update per chunk (docs/ARCHITECTURE.md,
// style rule 10): nothing here blocks the loop for long enough to need a worker.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';

/** Files larger than this are not hashed when queued: their mtime alone decides (see README). */
export const maxHashedBytes = 256 * 1024 * 1024;

export async function sha256File(path: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  const stream = createReadStream(path, { highWaterMark: 1024 * 1024, ...(signal ? { signal } : {}) });
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Files up to this size are hashed from one whole read (no stream set-up per file). */
export const smallFileBytes = 1024 * 1024;

/** sha256 of a small file, read in one go; a file that grew meanwhile is still hashed whole (the caller re-checks its version). */
export async function sha256SmallFile(path: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(path))
    .digest('hex');
}
