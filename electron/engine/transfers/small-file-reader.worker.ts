// The small-file reader's thread (small-file-reader.ts says why it exists): open safely, fstat, read whole,
// fstat again, all synchronous, one message in and one out per batch of files. The file is opened without following
// a link and without waiting for a FIFO's writer (platform/safe-open.ts), and only read through that one
// descriptor. Replies carry the stats as decimal strings (bigints do not cross threads as such).
import { closeSync, fstatSync, readSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { openRegularFileSync } from '../platform/safe-open.js';
import { closeAfterFailure, threadFsError } from '../platform/thread-fs-error.js';
import { statReply as statOf, type ReadReply, type ReadRequest } from './small-file-protocol.js';

const port = parentPort!;

function read({ id, path, limit }: ReadRequest): ReadReply {
  let fd: number | undefined;
  try {
    const opened = openRegularFileSync(path);
    fd = opened.fd;
    const before = opened.stat;
    if (before.size > BigInt(limit)) {
      closeSync(fd);
      fd = undefined;
      return { id, before: statOf(before) };
    }
    const size = Number(before.size);
    const buffer = new ArrayBuffer(size + 1); // one byte more than expected says the file grew
    const view = Buffer.from(buffer);
    let got = 0;
    for (;;) {
      const n = readSync(fd, view, got, view.length - got, got);
      got += n;
      if (n === 0 || got >= size) break; // one read of size + 1 finds both the end and growth
    }
    const after = fstatSync(fd, { bigint: true });
    closeSync(fd);
    fd = undefined;
    return { id, before: statOf(before), after: statOf(after), buffer, got };
  } catch (e) {
    closeAfterFailure(fd);
    return { id, error: threadFsError(e) };
  }
}

port.on('message', (batch: ReadRequest[]) => {
  const replies = batch.map(read);
  port.postMessage(
    replies,
    replies.flatMap((r) => (r.buffer ? [r.buffer] : [])),
  );
});
