// Small files read whole on a worker thread (see readSmallFile for why).
import { Worker } from 'node:worker_threads';
import type { FileVersion } from '../state/journal.js';
import { FileMissingError, NotAFileError } from './file-version.js';

/** What readSmallFile read, and the file's version right after (stat by path, as assertVersion does). */
export interface SmallFileRead {
  /** At most `size + 1` bytes: one more than expected says the file grew. */
  data: Buffer;
  version: FileVersion;
}

/**
 * Reads a small file whole (asking for `size + 1` bytes), then stats it by path: on a worker thread with
 * synchronous calls, so open, read, close and stat cost one round trip to that thread instead of four
 * trips through libuv's pool, each of which wakes a pool thread and the event loop again (on a busy
 * 2-core machine, most of a 4 KiB file's time). A slow or hung disk blocks that thread and the small
 * files queued behind it, never the event loop. Errors are the fs errors the async calls would give
 * (code, syscall, path), the stat's mapped as readVersion maps them.
 */
export function readSmallFile(path: string, size: number, signal?: AbortSignal): Promise<SmallFileRead> {
  return smallReader().read(path, size, signal);
}

interface WorkerReply {
  id: number;
  buffer?: ArrayBuffer;
  got?: number;
  stat?: { size: string; mtimeNs: string; ino: string; isFile: boolean };
  error?: { message: string; code?: string; errno?: number; syscall?: string; path?: string; stage: 'read' | 'stat' };
}

// CommonJS, evaluated as the worker's whole program (no separate file to build and ship).
const SMALL_READER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
parentPort.on('message', ({ id, path, size }) => {
  let stage = 'read';
  let fd;
  try {
    fd = fs.openSync(path, 'r');
    const buffer = new ArrayBuffer(size + 1);
    const view = Buffer.from(buffer);
    let got = 0;
    for (;;) {
      const n = fs.readSync(fd, view, got, view.length - got, got);
      got += n;
      if (n === 0 || got >= size) break;
    }
    fs.closeSync(fd);
    fd = undefined;
    stage = 'stat';
    const s = fs.statSync(path, { bigint: true });
    const stat = { size: String(s.size), mtimeNs: String(s.mtimeNs), ino: String(s.ino), isFile: s.isFile() };
    parentPort.postMessage({ id, buffer, got, stat }, [buffer]);
  } catch (e) {
    if (fd !== undefined) try { fs.closeSync(fd); } catch {}
    parentPort.postMessage({ id, error: { message: String(e && e.message), code: e && e.code, errno: e && e.errno, syscall: e && e.syscall, path: e && e.path, stage } });
  }
});
`;

/** An idle reader thread is stopped after this long (it holds a V8 heap of its own, ~10 MiB). */
const SMALL_READER_IDLE_MS = 10_000;

class SmallReader {
  private worker: Worker | undefined;
  private nextId = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  private readonly pending = new Map<number, { path: string; resolve: (r: SmallFileRead) => void; reject: (e: unknown) => void }>();

  read(path: string, size: number, signal?: AbortSignal): Promise<SmallFileRead> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason as Error);
      const id = this.nextId++;
      // A pause does not wait for a slow disk: the read is dropped here (its reply is ignored when it comes).
      const onAbort = (): void => {
        if (this.pending.delete(id)) this.idle();
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
      clearTimeout(this.idleTimer);
      const worker = this.start();
      if (this.pending.size === 1) worker.ref(); // keeps the process alive only while a read is pending
      worker.postMessage({ id, path, size });
    });
  }

  /** Nothing pending: let the process exit, and stop the thread if it stays unused. */
  private idle(): void {
    if (this.pending.size > 0 || !this.worker) return;
    const worker = this.worker;
    worker.unref();
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      if (this.worker !== worker || this.pending.size > 0) return;
      this.worker = undefined;
      void worker.terminate();
    }, SMALL_READER_IDLE_MS);
    this.idleTimer.unref();
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(SMALL_READER_SOURCE, { eval: true });
    worker.unref();
    worker.on('message', (reply: WorkerReply) => this.settle(reply));
    // The worker died (should never happen): fail what it held, start a new one for the next read.
    const fail = (error: unknown): void => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      const waiting = [...this.pending.values()];
      this.pending.clear();
      for (const p of waiting) p.reject(error instanceof Error ? error : new Error(`the small-file reader stopped: ${String(error)}`));
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the small-file reader exited (${code})`)));
    this.worker = worker;
    return worker;
  }

  private settle(reply: WorkerReply): void {
    const p = this.pending.get(reply.id);
    if (!p) return;
    this.pending.delete(reply.id);
    this.idle();
    if (reply.error) return p.reject(fsError(reply.error, p.path));
    const stat = reply.stat!;
    if (!stat.isFile) return p.reject(new NotAFileError(`${p.path} is not a regular file`));
    const mtimeNs = BigInt(stat.mtimeNs);
    // The same FileVersion readVersion builds (file-version.ts).
    const version: FileVersion = { size: Number(stat.size), mtimeMs: Number(mtimeNs / 1_000_000n) + Number(mtimeNs % 1_000_000n) / 1e6, ino: stat.ino };
    p.resolve({ data: Buffer.from(reply.buffer!, 0, reply.got), version });
  }
}

function fsError(e: NonNullable<WorkerReply['error']>, path: string): Error {
  if (e.stage === 'stat' && (e.code === 'ENOENT' || e.code === 'ENOTDIR')) return new FileMissingError(`${path} no longer exists`);
  return Object.assign(new Error(e.message), {
    ...(e.code !== undefined ? { code: e.code } : {}),
    ...(e.errno !== undefined ? { errno: e.errno } : {}),
    ...(e.syscall !== undefined ? { syscall: e.syscall } : {}),
    ...(e.path !== undefined ? { path: e.path } : {}),
  });
}

let reader: SmallReader | undefined;
const smallReader = (): SmallReader => (reader ??= new SmallReader());
