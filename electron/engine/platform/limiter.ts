// A concurrency limit for async jobs: at most `limit` run at once, the rest wait their turn in order.

/** At most `limit` jobs at once (hashing many files in parallel would only thrash the disk). */
export function createLimiter(limit: number) {
  let running = 0;
  const waiting: Array<() => void> = [];
  return async function run<T>(job: () => Promise<T>): Promise<T> {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await job();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}
