// Which transfers each filter shows; shared by the list and the filter counts.
import type { Transfer, TransferFilter } from '../../../../electron/common/contract.js';

const active = new Set<Transfer['state']>(['queued', 'uploading', 'paused', 'waiting', 'verifying']);

export function matches(filter: TransferFilter, t: Transfer): boolean {
  switch (filter) {
    case 'active':
      return active.has(t.state);
    case 'done':
      return t.state === 'done';
    case 'failed':
      return t.state === 'failed';
    default:
      return true;
  }
}
