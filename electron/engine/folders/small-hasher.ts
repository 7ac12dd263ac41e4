// Hashes the small files folder sync queues, on a worker thread with synchronous calls. Through libuv's
// pool, open, fstat, read, close and the lstat after the read cost five round trips per file, each waking
// a pool thread and the event loop again: most of a 100,000-file scan's CPU. Here the requests made in one
// turn of the event loop go to the thread as one message and come back as one. A slow or hung disk blocks
// that thread, never the event loop. The thread ends soon after the last request (it holds a V8 heap of
// its own), and starts again for the next.
import type { Worker } from 'node:worker_threads';
import { UnsafeFileError, type UnsafeReason } from '../platform/safe-open.js';
import { startWorker } from '../platform/worker.js';
import type { Observation } from './stability.js';

/** One batch of files to hash (small-hasher.worker.ts). */
export interface HashRequest {
  id: number;
  files: Array<{ path: string; ino: string }>;
}

/** Per file, in order: its sha256 (hex) and its version after the read (undefined: no longer a file), or the error. */
export interface HashReply {
  id: number;
  results: Array<{
    hash?: string;
    after?: Observation;
    error?: {
      message: string;
      code?: string | undefined;
      errno?: number | undefined;
      syscall?: string | undefined;
      path?: string | undefined;
      unsafe?: UnsafeReason | undefined;
    };
  }>;
}

export interface SmallHash {
  hash: string;
  /** The path's version after the read; undefined when it is no longer a regular file. */
  after: Observation | undefined;
}

/** An unused thread ends after this long. */
const IDLE_MS = 500;

interface Waiting {
  path: string;
  resolve: (r: SmallHash) => void;
  reject: (e: unknown) => void;
}

export class SmallHasher {
  private worker: Worker | undefined;
  private nextId = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  /** Requests of this turn of the event loop, not yet sent. */
  private batch: Array<{ file: HashRequest['files'][number]; waiting: Waiting }> = [];
  private readonly sent = new Map<number, Waiting[]>();

  /** sha256 of a file of at most a few MiB, read through one safely opened descriptor of inode `ino`. */
  hash(path: string, ino: string): Promise<SmallHash> {
    return new Promise((resolve, reject) => {
      if (this.batch.length === 0) setImmediate(() => this.send());
      this.batch.push({ file: { path, ino }, waiting: { path, resolve, reject } });
    });
  }

  /** Ends the thread; hashes still pending fail. A hash after stop() starts a new thread. */
  async stop(): Promise<void> {
    clearTimeout(this.idleTimer);
    const worker = this.worker;
    this.worker = undefined;
    this.failAll(new Error('the small-file hasher was stopped'));
    await worker?.terminate();
  }

  private send(): void {
    const batch = this.batch;
    this.batch = [];
    if (batch.length === 0) return;
    const id = this.nextId++;
    clearTimeout(this.idleTimer);
    const worker = this.thread();
    if (this.sent.size === 0) worker.ref(); // keeps the process alive only while a batch is out
    this.sent.set(
      id,
      batch.map((b) => b.waiting),
    );
    worker.postMessage({ id, files: batch.map((b) => b.file) } satisfies HashRequest);
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    const worker = startWorker(import.meta.url, 'small-hasher.worker');
    worker.unref();
    worker.on('message', (reply: HashReply) => this.settle(reply));
    // The thread died (should never happen): fail what it held; the next hash starts a new one.
    const fail = (error: unknown): void => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.failAll(error instanceof Error ? error : new Error(`the small-file hasher stopped: ${String(error)}`));
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the small-file hasher exited (${code})`)));
    this.worker = worker;
    return worker;
  }

  private failAll(error: Error): void {
    const waiting = [...this.sent.values()].flat();
    this.sent.clear();
    for (const w of waiting) w.reject(error);
  }

  private settle(reply: HashReply): void {
    const waiting = this.sent.get(reply.id);
    if (!waiting) return;
    this.sent.delete(reply.id);
    this.idle();
    reply.results.forEach((r, i) => {
      const w = waiting[i]!;
      if (r.error) w.reject(fsError(r.error, w.path));
      else w.resolve({ hash: r.hash!, after: r.after });
    });
  }

  /** Nothing out: let the process exit, and end the thread if it stays unused. */
  private idle(): void {
    if (this.sent.size > 0 || !this.worker) return;
    const worker = this.worker;
    worker.unref();
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      if (this.worker !== worker || this.sent.size > 0) return;
      this.worker = undefined;
      void worker.terminate();
    }, IDLE_MS);
    this.idleTimer.unref();
  }
}

/** The error the async fs calls would have given (the pipeline tells "gone" and "unsafe" apart by it). */
function fsError(e: NonNullable<HashReply['results'][number]['error']>, path: string): Error {
  if (e.unsafe) return new UnsafeFileError(path, e.unsafe);
  return Object.assign(new Error(e.message), {
    ...(e.code !== undefined ? { code: e.code } : {}),
    ...(e.errno !== undefined ? { errno: e.errno } : {}),
    ...(e.syscall !== undefined ? { syscall: e.syscall } : {}),
    ...(e.path !== undefined ? { path: e.path } : {}),
  });
}
