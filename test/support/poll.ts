// Waiting for a condition, where vitest's expect.poll is not available: in hooks (beforeAll) and in
// scripts outside vitest (soak, bench). Inside a test, use expect.poll.

/**
 * Calls check() every intervalMs until it returns true or timeoutMs has passed; resolves whether it
 * held. An error thrown by check() (say, "the child exited") ends the wait with that error.
 */
export async function pollUntil(
  check: () => boolean | Promise<boolean>,
  { timeoutMs, intervalMs = 50 }: { timeoutMs: number; intervalMs?: number },
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
