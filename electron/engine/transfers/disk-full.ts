// The queue's disk-full mode (docs/ARCHITECTURE.md, Data safety: journal before report): while the
// state DB cannot be written nothing starts, and a timer probes for room every few seconds.
import { dirname } from 'node:path';
import { StorageFullError } from '../state/db.js';
import { changedAll } from './publish-policy.js';
import type { QueueState } from './queue-state.js';

/** While the data folder's disk is full, how often to try a small write to see whether room came back. */
const DISK_PROBE_MS = 2_000;

/** The state DB could not be written: stop starting transfers; `onRoom` once a probe write succeeds. */
export function enterDiskFull(q: QueueState, onRoom: () => void): void {
  if (!q.diskFull) {
    q.diskFull = new StorageFullError(dirname(q.db.path));
    q.publisher.changed('');
  }
  if (q.diskProbe || q.stopped) return;
  q.diskProbe = setInterval(() => {
    if (!q.db.canWrite()) return;
    leaveDiskFull(q);
    onRoom();
  }, DISK_PROBE_MS);
  q.diskProbe.unref?.();
}

/** A write went through again: the transfers waiting for room start over from their journal. */
export function leaveDiskFull(q: QueueState): void {
  if (!q.diskFull) return;
  clearInterval(q.diskProbe);
  q.diskProbe = undefined;
  q.diskFull = undefined;
  for (const r of q.runtimes.values()) {
    if (r.waitingFor !== 'disk-space') continue;
    r.blocked = false;
    r.waitingFor = undefined;
  }
  changedAll(q);
}
