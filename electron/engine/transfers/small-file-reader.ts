// Small files read whole on a worker thread (see SmallFileReader for why).
import { OnDemandThread } from '../platform/on-demand-thread.js';
import { openRegularFile } from '../platform/safe-open.js';
import { errorFromThread, threadFsError, type ThreadFsError } from '../platform/thread-fs-error.js';
import { statReply, type ReadReply, type ReadRequest, type StatReply } from './small-file-protocol.js';
import { startWorker } from '../platform/worker.js';
import type { FileVersion } from './journal.js';
import { FileMissingError, NotAFileError, sameVersion, versionOf } from './file-version.js';

/** A small file's version, and its bytes when they could be read as that version. */
export interface SmallFileRead {
  /** The version before the read (fstat of the descriptor it was read through). */
  version: FileVersion;
  /** The whole file: present when it is at most `limit` bytes and the same version after the read. */
  data?: Buffer;
}

/** An idle reader thread is stopped after this long (it holds a V8 heap of its own, ~10 MiB). */
const SMALL_READER_IDLE_MS = 10_000;

/**
 * Reads small files for uploads, one engine service (created and stopped by createEngine). read() opens a
 * file (platform/safe-open.ts: no link followed, a FIFO never waited on, anything but a regular file
 * refused), fstats it, reads it whole through that descriptor if it is at most `limit` bytes, and fstats
 * it again: on a worker thread with synchronous calls, so open, fstat, read, fstat and close cost one
 * round trip to that thread instead of five trips through libuv's pool, each of which wakes a pool thread
 * and the event loop again (on a busy 2-core machine, most of a 4 KiB file's time). A slow or hung disk
 * blocks that thread and the small files queued behind it, never the event loop. Errors are the ones
 * readVersion and the async fs calls would give.
 *
 * A lone read while the thread is down (one file dropped, a watched folder's occasional new file) is done
 * here with the async fs calls instead: starting a thread costs more than five trips through the pool.
 * A second read while it is out starts the thread.
 */
export class SmallFileReader {
  constructor(private readonly options: { loneReadsHere?: boolean } = {}) {}

  private nextId = 0;
  private batch: ReadRequest[] = [];
  private readonly pending = new Map<
    number,
    { path: string; resolve: (r: SmallFileRead) => void; reject: (e: unknown) => void }
  >();
  private readonly thread = new OnDemandThread<ReadRequest[], ReadReply[]>({
    start: () => startWorker(import.meta.url, 'small-file-reader.worker'),
    idleMs: SMALL_READER_IDLE_MS,
    label: 'small-file reader',
    onReply: (replies) => {
      for (const reply of replies) this.settle(reply);
    },
    onDeath: (error) => this.failAll(error),
  });

  read(path: string, limit: number, signal?: AbortSignal): Promise<SmallFileRead> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason as Error);
      const id = this.nextId++;
      // A pause does not wait for a slow disk: the read is dropped here (its reply is ignored when it comes).
      const onAbort = (): void => {
        if (this.pending.delete(id) && this.pending.size === 0) this.thread.idle();
        reject(signal?.reason as Error);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const done = (): void => signal?.removeEventListener('abort', onAbort);
      this.pending.set(id, {
        path,
        resolve: (r) => {
          done();
          resolve(r);
        },
        reject: (e) => {
          done();
          reject(e);
        },
      });
      this.batch.push({ id, path, limit });
      if (this.batch.length === 1) setImmediate(() => this.send());
    });
  }

  /**
   * Reads asked for in the same turn of the event loop (the queue starts several files at once) go to
   * the thread in one message and come back in one: a message wakes the other thread, which on a busy
   * machine costs more than the read itself.
   */
  private send(): void {
    const batch = this.batch.filter((r) => this.pending.has(r.id));
    this.batch = [];
    if (batch.length === 0) return;
    if (batch.length === 1 && this.pending.size === 1 && !this.thread.running && this.options.loneReadsHere !== false)
      void readHere(batch[0]!).then((reply) => this.settle(reply));
    else this.thread.post(batch);
  }

  /** Ends the thread; reads still pending fail. A read after stop() starts a new thread. */
  async stop(): Promise<void> {
    this.failAll(new Error('the small-file reader was stopped'));
    await this.thread.stop();
  }

  private failAll(error: Error): void {
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const p of waiting) p.reject(error);
  }

  private settle(reply: ReadReply): void {
    const p = this.pending.get(reply.id);
    if (!p) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.thread.idle();
    if (reply.error) return p.reject(fsError(reply.error, p.path));
    const before = reply.before!;
    if (!before.isFile) return p.reject(new NotAFileError(`${p.path} is not a regular file`));
    const version = versionOfReply(before);
    const unchanged =
      reply.after !== undefined && sameVersion(versionOfReply(reply.after), version) && reply.got === version.size;
    p.resolve(unchanged ? { version, data: Buffer.from(reply.buffer!, 0, reply.got) } : { version });
  }
}

/** What the thread would answer for `request`, read on this thread with the async fs calls. */
async function readHere({ id, path, limit }: ReadRequest): Promise<ReadReply> {
  let opened: Awaited<ReturnType<typeof openRegularFile>> | undefined;
  try {
    opened = await openRegularFile(path);
    const { handle, stat: before } = opened;
    if (before.size > BigInt(limit)) return { id, before: statReply(before) };
    const size = Number(before.size);
    const buffer = new ArrayBuffer(size + 1); // one byte more than expected says the file grew
    const view = Buffer.from(buffer);
    let got = 0;
    for (;;) {
      const { bytesRead } = await handle.read(view, got, view.length - got, got);
      got += bytesRead;
      if (bytesRead === 0 || got >= size) break;
    }
    const after = await handle.stat({ bigint: true });
    return { id, before: statReply(before), after: statReply(after), buffer, got };
  } catch (e) {
    return { id, error: threadFsError(e) };
  } finally {
    await opened?.handle.close().catch(() => undefined);
  }
}

/** The stat as the worker sent it (bigints as decimal strings), as readVersion would read it. */
const versionOfReply = (stat: StatReply): FileVersion =>
  versionOf({
    size: BigInt(stat.size),
    mtimeNs: BigInt(stat.mtimeNs),
    ctimeNs: BigInt(stat.ctimeNs),
    ino: BigInt(stat.ino),
  });

function fsError(e: ThreadFsError, path: string): Error {
  // Gone before the stat, or between it and the open: either way the file vanished.
  if (!e.unsafe && (e.code === 'ENOENT' || e.code === 'ENOTDIR'))
    return new FileMissingError(`${path} no longer exists`);
  return errorFromThread(e, path);
}
