// A worker thread that exists only while it is useful: started by the first piece of work, keeping the
// process alive only while work is out, and ended once it has been unused for a while (each thread holds
// a V8 heap of its own). Work sent after the end starts a new one.
import type { Worker } from 'node:worker_threads';

export interface OnDemandThreadOptions<Reply> {
  /** Starts the thread (platform/worker.ts startWorker). */
  start: () => Worker;
  /** How long an unused thread is kept. */
  idleMs: number;
  /** Names the thread in the error its unexpected end gives. */
  label: string;
  onReply: (reply: Reply) => void;
  /** The thread died with work out (should never happen): fail that work. The next post starts a new one. */
  onDeath: (error: Error) => void;
}

export class OnDemandThread<Request, Reply> {
  private worker: Worker | undefined;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: OnDemandThreadOptions<Reply>) {}

  /** Whether the thread is up now (started and not yet ended). */
  get running(): boolean {
    return this.worker !== undefined;
  }

  /** Sends work to the thread (started if need be), which keeps the process alive until idle(). */
  post(request: Request): void {
    clearTimeout(this.idleTimer);
    const worker = this.thread();
    worker.ref();
    worker.postMessage(request);
  }

  /** No work out: let the process exit, and end the thread if it stays unused. */
  idle(): void {
    const worker = this.worker;
    if (!worker) return;
    worker.unref();
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      void worker.terminate();
    }, this.options.idleMs);
    this.idleTimer.unref();
  }

  /** Ends the thread now; the caller fails the work it had out. */
  async stop(): Promise<void> {
    clearTimeout(this.idleTimer);
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    const { start, label, onReply, onDeath } = this.options;
    const worker = start();
    worker.unref();
    worker.on('message', onReply);
    const died = (error: unknown): void => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      onDeath(error instanceof Error ? error : new Error(`the ${label} stopped: ${String(error)}`));
    };
    worker.on('error', died);
    worker.on('exit', (code) => died(new Error(`the ${label} exited (${code})`)));
    this.worker = worker;
    return worker;
  }
}
