// Digests of large bodies on worker threads. A large body is copied once into shared, page-aligned staging
// buffers (body-writer.ts) for its O_DIRECT write; the same blocks are hashed here, in order, by another
// thread, instead of on the event loop, which otherwise spends most of an upload's CPU in MD5 (the ETag)
// and meanwhile cannot read the next bytes off the socket. The CPU is the same; it no longer waits in line.
// Node's own algorithms only (MD5, SHA-1, SHA-256 and CRC32 from node:zlib); anything else stays inline.
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../../common/worker.js';

export type RawAlgorithm = 'md5' | 'sha1' | 'sha256' | 'crc32';

/** One body's digests, fed block by block in order. */
export interface HashJob {
  /** Resolves once the block has been hashed (its memory may then be reused). `block` must be on shared memory. */
  update(block: Uint8Array): Promise<void>;
  /** The raw digests (CRC32 as 4 bytes, big-endian), after every update. */
  digest(): Promise<Map<RawAlgorithm, Buffer>>;
  /** Forget the job (the body was refused or the client went away). */
  drop(): void;
}

/** What the hasher thread answers (hasher.worker.ts): an acknowledgement, the digests, or the error. */
export type Reply = { job: number; seq: number; error?: string; digests?: Array<[RawAlgorithm, Uint8Array]> };

/** What the hasher thread is sent; `update` blocks are views of shared memory. */
export type HasherMessage =
  | { type: 'begin'; job: number; algorithms: RawAlgorithm[] }
  | { type: 'update'; job: number; seq: number; memory: SharedArrayBuffer; offset: number; length: number }
  | { type: 'digest'; job: number; seq: number }
  | { type: 'drop'; job: number };

/** A hasher thread stops after this long without a job (each holds a V8 heap of its own). */
const IDLE_MS = 10_000;

class HasherThread {
  private worker: Worker | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  /** Replies awaited, by job then sequence number. */
  private readonly waiting = new Map<
    number,
    Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>
  >();
  jobs = 0;

  begin(job: number, algorithms: RawAlgorithm[]): void {
    this.jobs++;
    clearTimeout(this.idleTimer);
    this.waiting.set(job, new Map());
    this.start().postMessage({ type: 'begin', job, algorithms } satisfies HasherMessage);
  }

  request(
    job: number,
    seq: number,
    message: { type: 'update'; memory: SharedArrayBuffer; offset: number; length: number } | { type: 'digest' },
  ): Promise<Reply> {
    const replies = this.waiting.get(job);
    if (!replies || !this.worker) return Promise.reject(new Error('hash job is gone'));
    const worker = this.worker;
    return new Promise((resolve, reject) => {
      replies.set(seq, { resolve, reject });
      worker.postMessage({ ...message, job, seq } satisfies HasherMessage);
    });
  }

  end(job: number, tellWorker: boolean): void {
    const replies = this.waiting.get(job);
    if (!replies) return;
    this.waiting.delete(job);
    for (const w of replies.values()) w.reject(new Error('hash job dropped'));
    this.jobs--;
    if (tellWorker) this.worker?.postMessage({ type: 'drop', job } satisfies HasherMessage);
    if (this.jobs > 0 || !this.worker) return;
    const worker = this.worker;
    worker.unref();
    this.idleTimer = setTimeout(() => {
      if (this.worker !== worker || this.jobs > 0) return;
      this.worker = undefined;
      void worker.terminate();
    }, IDLE_MS);
    this.idleTimer.unref();
  }

  private start(): Worker {
    if (this.worker) {
      this.worker.ref();
      return this.worker;
    }
    const worker = startWorker(import.meta.url, 'hasher.worker');
    worker.on('message', (reply: Reply) => {
      const w = this.waiting.get(reply.job)?.get(reply.seq);
      if (!w) return;
      this.waiting.get(reply.job)?.delete(reply.seq);
      if (reply.error !== undefined) w.reject(new Error(`hashing failed: ${reply.error}`));
      else w.resolve(reply);
    });
    const fail = (error: Error): void => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      for (const replies of this.waiting.values()) for (const w of replies.values()) w.reject(error);
      for (const replies of this.waiting.values()) replies.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`a hasher thread exited (${code})`)));
    this.worker = worker;
    return worker;
  }
}

const threads: HasherThread[] = [];
let nextJob = 0;

/** Up to one thread per core but one (the event loop keeps that one), at least one, at most four. */
function pickThread(): HasherThread {
  const size = Math.max(1, Math.min(4, availableParallelism() - 1));
  while (threads.length < size) threads.push(new HasherThread());
  return threads.reduce((a, b) => (b.jobs < a.jobs ? b : a));
}

export function startHashJob(algorithms: RawAlgorithm[]): HashJob {
  const thread = pickThread();
  const job = nextJob++;
  let seq = 0;
  let ended = false;
  thread.begin(job, algorithms);
  return {
    async update(block) {
      const memory = block.buffer;
      if (!(memory instanceof SharedArrayBuffer)) throw new Error('hash blocks must be on shared memory');
      await thread.request(job, seq++, { type: 'update', memory, offset: block.byteOffset, length: block.byteLength });
    },
    async digest() {
      try {
        const reply = await thread.request(job, seq++, { type: 'digest' });
        return new Map((reply.digests ?? []).map(([a, d]) => [a, Buffer.from(d.buffer, d.byteOffset, d.byteLength)]));
      } finally {
        ended = true;
        thread.end(job, false);
      }
    },
    drop() {
      if (ended) return;
      ended = true;
      thread.end(job, true);
    },
  };
}
