// Digests of large bodies on worker threads. A large body is copied once into shared, page-aligned staging
// buffers (body-writer.ts) for its O_DIRECT write; the same blocks are hashed here, in order, by another
// thread, instead of on the event loop, which otherwise spends most of an upload's CPU in MD5 (the ETag)
// and meanwhile cannot read the next bytes off the socket. The CPU is the same; it no longer waits in line.
// Node's own algorithms only (MD5, SHA-1, SHA-256 and CRC32 from node:zlib); anything else stays inline.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

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

type Reply = { job: number; seq: number; error?: string; digests?: Array<[RawAlgorithm, Uint8Array]> };

// CommonJS, evaluated as the worker's whole program (nothing more to build or ship).
const HASHER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { crc32 } = require('node:zlib');
const jobs = new Map();
parentPort.on('message', (m) => {
  try {
    if (m.type === 'begin') {
      jobs.set(m.job, m.algorithms.map((a) => (a === 'crc32' ? { a, crc: 0 } : { a, hash: createHash(a) })));
    } else if (m.type === 'update') {
      const view = new Uint8Array(m.memory, m.offset, m.length);
      for (const h of jobs.get(m.job)) {
        if (h.hash) h.hash.update(view);
        else h.crc = crc32(view, h.crc);
      }
      parentPort.postMessage({ job: m.job, seq: m.seq });
    } else if (m.type === 'digest') {
      const digests = jobs.get(m.job).map((h) => {
        if (h.hash) return [h.a, h.hash.digest()];
        const b = Buffer.alloc(4);
        b.writeUInt32BE(h.crc >>> 0);
        return [h.a, b];
      });
      jobs.delete(m.job);
      parentPort.postMessage({ job: m.job, seq: m.seq, digests });
    } else if (m.type === 'drop') {
      jobs.delete(m.job);
    }
  } catch (e) {
    jobs.delete(m.job);
    parentPort.postMessage({ job: m.job, seq: m.seq, error: String(e && e.message) });
  }
});
`;

/** A hasher thread stops after this long without a job (each holds a V8 heap of its own). */
const IDLE_MS = 10_000;

class HasherThread {
  private worker: Worker | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  /** Replies awaited, by job then sequence number. */
  private readonly waiting = new Map<number, Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>>();
  jobs = 0;

  begin(job: number, algorithms: RawAlgorithm[]): void {
    this.jobs++;
    clearTimeout(this.idleTimer);
    this.waiting.set(job, new Map());
    this.start().postMessage({ type: 'begin', job, algorithms });
  }

  request(job: number, seq: number, message: Record<string, unknown>): Promise<Reply> {
    const replies = this.waiting.get(job);
    if (!replies || !this.worker) return Promise.reject(new Error('hash job is gone'));
    const worker = this.worker;
    return new Promise((resolve, reject) => {
      replies.set(seq, { resolve, reject });
      worker.postMessage({ ...message, job, seq });
    });
  }

  end(job: number, tellWorker: boolean): void {
    const replies = this.waiting.get(job);
    if (!replies) return;
    this.waiting.delete(job);
    for (const w of replies.values()) w.reject(new Error('hash job dropped'));
    this.jobs--;
    if (tellWorker) this.worker?.postMessage({ type: 'drop', job });
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
    const worker = new Worker(HASHER_SOURCE, { eval: true });
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
