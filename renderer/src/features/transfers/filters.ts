// Which transfers each filter shows, and how many: the same split as the engine's transfers.list and
// totals (Active is everything neither done nor failed).
import type { Totals, Transfer, TransferFilter } from '../../../../electron/common/contract.js';

export function matches(filter: TransferFilter, t: Transfer): boolean {
  switch (filter) {
    case 'active':
      return t.state !== 'done' && t.state !== 'failed';
    case 'done':
      return t.state === 'done';
    case 'failed':
      return t.state === 'failed';
    default:
      return true;
  }
}

/** How many transfers a filter shows, from the engine's totals (0 until they arrive). */
export function countOf(filter: TransferFilter, totals: Totals | undefined): number {
  if (!totals) return 0;
  switch (filter) {
    case 'active':
      return Math.max(0, totals.all - totals.done - totals.failed);
    case 'done':
      return totals.done;
    case 'failed':
      return totals.failed;
    default:
      return totals.all;
  }
}
