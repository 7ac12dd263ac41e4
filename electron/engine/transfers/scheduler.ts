// What starts next and when the queue is idle. Decides only: the runs module starts what it picks.
import { eligible, type QueueState } from './queue-state.js';

/** Whether anything may start at all (signed in, started, not paused, disk writable, no cancel all). */
function mayStart(q: QueueState): boolean {
  return q.started && !q.stopped && q.target !== undefined && !q.pausedAll && !q.diskFull && !q.cancellingAll;
}

/**
 * The transfers to start now, in queue order, within filesInParallel. O(running + skipped): walks the
 * journal-active transfers, never finished ones.
 */
export function nextToStart(q: QueueState): string[] {
  if (!mayStart(q)) return [];
  const limit = q.settings().filesInParallel;
  let running = q.active.size;
  const starts: string[] = [];
  for (const [id, entry] of q.index.pending) {
    if (running >= limit) break;
    const r = q.runtimes.get(id);
    if (r?.run || r?.blocked || r?.holding || !eligible(q, entry)) continue;
    starts.push(id);
    running++;
  }
  return starts;
}

/** Nothing can make progress: none running, and none queued that could start. The janitor does not count. */
export function isIdle(q: QueueState): boolean {
  if (q.active.size > 0) return false;
  if (!q.started || q.stopped || !q.target || q.pausedAll || q.diskFull) return true;
  for (const [id, entry] of q.index.pending) if (eligible(q, entry) && !q.runtimes.get(id)?.blocked) return false;
  return true;
}

/** Resolves every whenIdle() waiting, if the queue is idle now. */
export function checkIdle(q: QueueState): void {
  if (q.idleWaiters.length === 0 || !isIdle(q)) return;
  const waiters = q.idleWaiters;
  q.idleWaiters = [];
  for (const w of waiters) w();
}
