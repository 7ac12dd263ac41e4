// Hashes the small files folder sync queues, on a worker thread with synchronous calls. Through libuv's
// pool, open, fstat, read, close and the lstat after the read cost five round trips per file, each waking
// a pool thread and the event loop again: most of a 100,000-file scan's CPU. Here the requests made in one
// turn of the event loop go to the thread as one message and come back as one. A slow or hung disk blocks
// that thread, never the event loop. The thread ends soon after the last request (it holds a V8 heap of
// its own), and starts again for the next.
import { OnDemandThread } from '../platform/on-demand-thread.js';
import { errorFromThread, type ThreadFsError } from '../platform/thread-fs-error.js';
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
    error?: ThreadFsError;
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
  private nextId = 0;
  /** Requests of this turn of the event loop, not yet sent. */
  private batch: Array<{ file: HashRequest['files'][number]; waiting: Waiting }> = [];
  private readonly sent = new Map<number, Waiting[]>();
  private readonly thread = new OnDemandThread<HashRequest, HashReply>({
    start: () => startWorker(import.meta.url, 'small-hasher.worker'),
    idleMs: IDLE_MS,
    label: 'small-file hasher',
    onReply: (reply) => this.settle(reply),
    onDeath: (error) => this.failAll(error),
  });

  /** sha256 of a file of at most a few MiB, read through one safely opened descriptor of inode `ino`. */
  hash(path: string, ino: string): Promise<SmallHash> {
    return new Promise((resolve, reject) => {
      if (this.batch.length === 0) setImmediate(() => this.send());
      this.batch.push({ file: { path, ino }, waiting: { path, resolve, reject } });
    });
  }

  /** Ends the thread; hashes still pending fail. A hash after stop() starts a new thread. */
  async stop(): Promise<void> {
    this.failAll(new Error('the small-file hasher was stopped'));
    await this.thread.stop();
  }

  private send(): void {
    const batch = this.batch;
    this.batch = [];
    if (batch.length === 0) return;
    const id = this.nextId++;
    this.sent.set(
      id,
      batch.map((b) => b.waiting),
    );
    this.thread.post({ id, files: batch.map((b) => b.file) });
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
    if (this.sent.size === 0) this.thread.idle();
    reply.results.forEach((r, i) => {
      const w = waiting[i]!;
      if (r.error) w.reject(errorFromThread(r.error, w.path));
      else w.resolve({ hash: r.hash!, after: r.after });
    });
  }
}
