// Small files read whole on a worker thread (see SmallFileReader for why).
import { OnDemandThread } from '../platform/on-demand-thread.js';
import { errorFromThread, type ThreadFsError } from '../platform/thread-fs-error.js';
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

/** A stat as the worker sends it: bigints as decimal strings. */
export interface StatReply {
  size: string;
  mtimeNs: string;
  ctimeNs: string;
  ino: string;
  isFile: boolean;
}

/** One file to read (small-file-reader.worker.ts). */
export interface ReadRequest {
  id: number;
  path: string;
  limit: number;
}

/** What the worker answers: the stats around the read and the bytes, or the fs error. */
export interface ReadReply {
  id: number;
  before?: StatReply;
  after?: StatReply;
  buffer?: ArrayBuffer;
  got?: number;
  error?: ThreadFsError;
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
 */
export class SmallFileReader {
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
    if (batch.length > 0) this.thread.post(batch);
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
