// The small-file reader's thread (small-file-reader.ts says why it exists): stat, read whole, stat again,
// all synchronous, one message in and one out per file. Anything but a regular file is never opened (a FIFO
// would block the thread). Replies carry the stats as decimal strings (bigints do not cross threads as such).
import { closeSync, openSync, readSync, statSync, type BigIntStats } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import type { ReadReply, ReadRequest, StatReply } from './small-file-reader.js';

const port = parentPort!;

const statOf = (s: BigIntStats): StatReply => ({
  size: String(s.size),
  mtimeNs: String(s.mtimeNs),
  ctimeNs: String(s.ctimeNs),
  ino: String(s.ino),
  isFile: s.isFile(),
});

function read({ id, path, limit }: ReadRequest): void {
  let fd: number | undefined;
  try {
    const before = statSync(path, { bigint: true });
    if (!before.isFile() || before.size > BigInt(limit))
      return port.postMessage({ id, before: statOf(before) } satisfies ReadReply);
    const size = Number(before.size);
    fd = openSync(path, 'r');
    const buffer = new ArrayBuffer(size + 1); // one byte more than expected says the file grew
    const view = Buffer.from(buffer);
    let got = 0;
    for (;;) {
      const n = readSync(fd, view, got, view.length - got, got);
      got += n;
      if (n === 0 || got >= size) break; // one read of size + 1 finds both the end and growth
    }
    closeSync(fd);
    fd = undefined;
    const after = statSync(path, { bigint: true });
    port.postMessage({ id, before: statOf(before), after: statOf(after), buffer, got } satisfies ReadReply, [buffer]);
  } catch (e) {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        // the read's own error is the one to report
      }
    }
    const error = e as NodeJS.ErrnoException;
    port.postMessage({
      id,
      error: {
        message: String(error?.message),
        code: error?.code,
        errno: error?.errno,
        syscall: error?.syscall,
        path: error?.path,
      },
    } satisfies ReadReply);
  }
}

port.on('message', read);
