// When the queue invalidates instead of listing: a batch of changed transfers goes out as rows, except
// that past a page of quiet ones (queued or paused, not running) one `transfers.invalidated` asks windows
// to re-read what they show. Running, finished and failed transfers are always sent as rows.
import { rowOf, totalsOf, viewOf, type QueueState } from './queue-state.js';

/** Queued or paused transfers one transfers.changed event carries at most. */
const MAX_QUIET_ROWS_PER_EVENT = 200;

/** Publishes one coalesced batch of changed ids (the empty id stands for "only the totals"). */
export function publishChanges(q: QueueState, ids: string[]): void {
  // Unfinished transfers that are not running changed only in their state (queued, paused) or were
  // just added: past a page of them, one invalidation says it better than 100,000 rows. Running,
  // finished and failed ones are always sent: folder sync, notifications and the CLI wait for those.
  const quiet = (id: string) => !q.live.has(id) && (q.index.pending.has(id) || q.index.paused.has(id));
  let invalidate = q.invalidateAll;
  if (!invalidate) {
    let count = 0;
    for (const id of ids) if (quiet(id) && ++count > MAX_QUIET_ROWS_PER_EVENT) break;
    invalidate = count > MAX_QUIET_ROWS_PER_EVENT;
  }
  q.invalidateAll = false;
  if (invalidate) q.emit('transfers.invalidated', {});
  const transfers = ids.flatMap((id) => {
    const row = id && !(invalidate && quiet(id)) ? rowOf(q, id) : undefined;
    return row ? [viewOf(q, row)] : [];
  });
  q.written.clear();
  if (transfers.length > 0) q.emit('transfers.changed', { transfers });
  q.emit('totals', totalsOf(q));
  q.budget.pump();
}

/**
 * Every transfer's shown state may have changed (pause all, sign-in): windows re-read the page they
 * show instead of receiving 100,000 rows. Running ones and the totals are published as usual.
 */
export function changedAll(q: QueueState): void {
  q.invalidateAll = true;
  for (const id of q.live.keys()) q.publisher.changed(id);
  q.publisher.changed('');
}
