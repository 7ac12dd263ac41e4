// The small-file hasher's thread (small-hasher.ts says why it exists): for each file of a batch, open it
// safely (platform/safe-open.ts: no link followed, no FIFO waited on, the inode the scan found), read it
// whole through that descriptor, hash it, close it, and lstat its path again for the version after the
// read; all synchronous, one message in and one out per batch.
import { createHash } from 'node:crypto';
import { closeSync, lstatSync, readSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { openRegularFileSync } from '../platform/safe-open.js';
import { closeAfterFailure, threadFsError } from '../platform/thread-fs-error.js';
import type { HashReply, HashRequest } from './small-hasher.js';

const port = parentPort!;

function hashOne({ path, ino }: HashRequest['files'][number]): HashReply['results'][number] {
  let fd: number | undefined;
  try {
    const opened = openRegularFileSync(path, { ino });
    fd = opened.fd;
    const hash = createHash('sha256');
    // One byte more than its stat says: a file that grew shows it in the same read and is read to its end.
    const buffer = Buffer.allocUnsafe(Number(opened.stat.size) + 1);
    let position = 0;
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, position);
      if (n === 0) break;
      hash.update(buffer.subarray(0, n));
      position += n;
      if (n < buffer.length) break; // a short read of a regular file is its end
    }
    closeSync(fd);
    fd = undefined;
    const after = lstatSync(path);
    return {
      hash: hash.digest('hex'),
      after: after.isFile() ? { size: after.size, mtimeMs: after.mtimeMs, ctimeMs: after.ctimeMs } : undefined,
    };
  } catch (e) {
    closeAfterFailure(fd);
    return { error: threadFsError(e) };
  }
}

port.on('message', ({ id, files }: HashRequest) => {
  port.postMessage({ id, results: files.map(hashOne) } satisfies HashReply);
});
