// The transfer queue: the journal's transfers, scheduled within the settings' limits, uploaded with
// the strategy that fits (single PUT or multipart), and published as throttled contract events.
// Depends on the state journal and the AWS SDK; nothing here knows about windows or RPC. This file is
// the command surface; the state, the scheduler, the runs and the views live in their own modules.
import { lstatSync } from 'node:fs';
import { knownIno, sameIno, UnsafeFileError } from '../platform/safe-open.js';
import { isStorageFull } from '../state/db.js';
import type { NewTransfer } from './journal.js';
import { AlreadyUploadedError } from './control-errors.js';
import { enterDiskFull, leaveDiskFull } from './disk-full.js';
import { objectKeyFor } from '../keys/object-key.js';
import { changedAll, publishChanges } from './publish-policy.js';
import type { TransferQueue, TransferQueueDeps, UploadTarget } from './queue-api.js';
import { dropRow, PAUSED_ALL, refresh, runtimeOf, setRow, totalsOf, viewOf, createQueueState } from './queue-state.js';
import { halt, landsAtOnce, pump } from './runs.js';
import { checkIdle } from './scheduler.js';
import { newTransferId } from './transfer-id.js';

/** Transfers journaled per transaction by add(). */
const ADD_SLICE = 2_000;

export type { QueueEmit, QueueEventName, TransferQueue, TransferQueueDeps, UploadTarget } from './queue-api.js';

/** The journal row for a path to upload: failed at once when its key or file is unusable. */
function newTransfer(item: Parameters<TransferQueue['add']>[0][number], target: UploadTarget | undefined): NewTransfer {
  const base: NewTransfer = {
    id: newTransferId(),
    sourcePath: item.path,
    destination: item.destination,
    identityId: target?.identityId,
    origin: item.origin,
    state: 'queued',
    size: 0,
  };
  const key = objectKeyFor(target?.keyPrefix ?? '', item.destination);
  if (!key.ok)
    return {
      ...base,
      state: 'failed',
      error: { code: 'invalid_destination', message: `${item.destination}: ${key.reason}`, retryable: false },
    };
  // lstat: a link is refused here, never followed; the inode found is the only file this transfer reads.
  const st = lstatSync(item.path, { throwIfNoEntry: false, bigint: true });
  if (!st)
    return {
      ...base,
      state: 'failed',
      error: { code: 'file_missing', message: `${item.path} does not exist`, retryable: false },
    };
  const refused = (error: UnsafeFileError, code: string): NewTransfer => ({
    ...base,
    state: 'failed',
    error: { code, message: error.message, retryable: false },
  });
  if (st.isSymbolicLink()) return refused(new UnsafeFileError(item.path, 'link'), 'not_a_file');
  if (!st.isFile())
    return {
      ...base,
      state: 'failed',
      error: { code: 'not_a_file', message: `${item.path} is not a regular file`, retryable: false },
    };
  const ino = String(st.ino);
  if (knownIno(item.ino) && !sameIno(item.ino, st.ino))
    return refused(new UnsafeFileError(item.path, 'replaced'), 'file_replaced');
  return { ...base, size: Number(st.size), ino };
}

export function createTransferQueue(deps: TransferQueueDeps): TransferQueue {
  const q = createQueueState(deps, publishChanges);
  const { journal, index } = q;

  return {
    setTarget(next) {
      const prev = q.target;
      q.target = next;
      q.janitor.retarget();
      for (const r of q.runtimes.values()) {
        r.blocked = false;
        if (r.waitingFor === 'sign-in') r.waitingFor = undefined;
      }
      const same =
        prev &&
        next &&
        prev.identityId === next.identityId &&
        prev.s3 === next.s3 &&
        prev.bucket === next.bucket &&
        prev.keyPrefix === next.keyPrefix;
      if (!same) {
        q.gate.reset();
        void halt(q, q.active, 'target changed'); // each run restarts (resuming from the journal) with the new target
      }
      if (next && q.started) void q.janitor.pass(); // in the background: nothing waits for it
      changedAll(q);
      pump(q);
    },

    add(items) {
      const ids: string[] = [];
      // A slice at a time: a 100,000-file folder never has all its new rows in memory at once (V8 lets
      // the heap grow to a multiple of what was live at its last full collection).
      for (let start = 0; start < items.length; start += ADD_SLICE) {
        const fresh = items.slice(start, start + ADD_SLICE).map((item) => newTransfer(item, q.target));
        let inserted;
        try {
          inserted = journal.insertMany(fresh);
        } catch (error) {
          if (!isStorageFull(error)) throw error;
          enterDiskFull(q, () => pump(q));
          throw q.diskFull;
        }
        leaveDiskFull(q);
        for (const row of inserted) {
          index.insert(row);
          q.publisher.changed(row.id);
          ids.push(row.id);
        }
      }
      pump(q);
      return ids;
    },

    async pause(id) {
      if (index.bucket(id) !== 'pending') return;
      refresh(q, id, journal.setState(id, 'paused'));
      await halt(q, [id], 'paused');
    },

    resume(id) {
      if (index.bucket(id) !== 'paused') return;
      refresh(q, id, journal.setState(id, 'queued'));
      pump(q);
    },

    async cancel(id) {
      const state = index.bucket(id) ?? journal.stateOf(id);
      if (!state) return;
      // Its object is in the bucket: forgetting it would only make the history lie.
      if (state === 'done') throw new AlreadyUploadedError(journal.get(id)?.destination ?? id, 'cancel');
      runtimeOf(q, id).holding = true;
      await halt(q, [id], 'cancelled');
      journal.remove(id); // its upload id moves to abandoned_uploads in the same transaction
      dropRow(q, id, false);
      q.emit('transfers.removed', { ids: [id] });
      q.publisher.changed('');
      await q.janitor.pass();
      checkIdle(q);
    },

    async cancelAll() {
      // Stop the scheduler first, then the runs: walking transfers one at a time while new ones start
      // would cancel some after they finished.
      q.cancellingAll = true;
      try {
        // A small PUT or a Complete on the wire may already be stored: aborting it could leave an object
        // for a transfer reported cancelled. They end in moments, so they finish and count as done.
        const landing = [...q.active].filter((id) => landsAtOnce(q, id));
        const stopping = [...q.active].filter((id) => !landing.includes(id));
        await Promise.all([halt(q, stopping, 'cancelled'), ...landing.map((id) => q.runtimes.get(id)?.run?.done)]);
        const ids = [...index.pending.keys(), ...index.paused.keys()];
        journal.removeMany(ids); // their upload ids move to abandoned_uploads in the same transaction
        for (const id of ids) dropRow(q, id, false);
        if (ids.length > 0) q.emit('transfers.removed', { ids });
        q.publisher.changed('');
        await q.janitor.pass();
        return ids.length;
      } finally {
        q.cancellingAll = false;
        pump(q);
      }
    },

    retry(id) {
      if (index.bucket(id) !== 'failed') return;
      const r = runtimeOf(q, id);
      r.fileRestarts = 0;
      r.uploadRestarts = 0;
      r.blocked = false;
      refresh(q, id, journal.setState(id, 'queued'));
      pump(q);
    },

    async pauseAll() {
      q.pausedAll = true;
      q.db.setMeta(PAUSED_ALL, '1');
      changedAll(q);
      await halt(q, q.active, 'paused all');
      checkIdle(q);
    },

    resumeAll() {
      q.pausedAll = false;
      q.db.setMeta(PAUSED_ALL, undefined);
      // One transaction for them all, and one invalidation instead of an event per transfer.
      for (const row of journal.setStates([...index.paused.keys()], 'queued')) setRow(q, row);
      changedAll(q);
      pump(q);
    },

    clearHistory() {
      const ids = journal.clearHistory();
      index.forgetDone(ids.length);
      for (const id of ids) q.runtimes.delete(id);
      if (ids.length > 0) q.emit('transfers.removed', { ids });
      q.publisher.changed('');
    },

    list(filter = 'all', page = {}) {
      return journal.page(filter, page.offset, page.limit).map((row) => viewOf(q, q.live.get(row.id) ?? row));
    },

    stateOf(id) {
      const bucket = index.bucket(id);
      if (bucket === 'pending') return 'queued';
      if (bucket) return bucket;
      return journal.stateOf(id) === 'done' ? 'done' : undefined;
    },

    byDestination: (destination) => journal.byDestination(destination),

    unfinishedOfFolder: (folderId) => journal.unfinishedOfFolder(folderId),

    totals: () => totalsOf(q),

    whenIdle() {
      return new Promise<void>((resolve) => {
        q.idleWaiters.push(resolve);
        checkIdle(q);
      });
    },

    settingsChanged() {
      q.budget.pump();
      q.bandwidth.setRate(deps.settings().bandwidthLimit);
      pump(q);
    },

    start(signal) {
      q.started = true;
      q.stopped = false;
      signal?.addEventListener('abort', () => (q.stopped = true), { once: true });
      void q.janitor.pass(); // in the background: nothing waits for it
      pump(q);
    },

    async stop() {
      q.stopped = true;
      clearInterval(q.diskProbe);
      await halt(q, q.active, 'stopped');
      await q.janitor.current;
      q.publisher.drain();
      q.publisher.stop();
      q.gate.stop();
      await Promise.all(q.ownServices.map((service) => service.stop()));
      checkIdle(q);
    },
  };
}
