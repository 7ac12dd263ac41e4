// One shared budget of in-flight upload requests (PutObject / UploadPart), so that many small files
// and one huge file both fill the link, and sockets and part buffers stay bounded.
export class RequestBudget {
  private inUse = 0;
  private readonly waiters: Array<{
    resolve: () => void;
    reject: (e: unknown) => void;
    signal?: AbortSignal;
    onAbort: () => void;
  }> = [];

  constructor(private readonly limit: () => number) {}

  get active(): number {
    return this.inUse;
  }

  /** Resolves with a release function once a slot is free (FIFO); rejects if `signal` aborts first. */
  acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    if (this.waiters.length === 0 && this.inUse < this.limit()) return Promise.resolve(this.take());
    return new Promise((resolve, reject) => {
      const waiter = {
        resolve: () => resolve(this.take()),
        reject,
        signal,
        onAbort: () => {
          const i = this.waiters.indexOf(waiter);
          if (i >= 0) this.waiters.splice(i, 1);
          reject(signal?.reason as Error);
        },
      };
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  /** Call when the limit grew (settings changed) to wake waiters. */
  pump(): void {
    while (this.waiters.length > 0 && this.inUse < this.limit()) {
      const w = this.waiters.shift();
      w?.signal?.removeEventListener('abort', w.onAbort);
      w?.resolve();
    }
  }

  private take(): () => void {
    this.inUse++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inUse--;
      this.pump();
    };
  }
}
