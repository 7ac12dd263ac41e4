// Follows the transfers one command queued until each is finished, from the engine's events alone.
// It listens before the transfers are queued, so no change can slip between queueing and listening,
// and it keeps a small record per transfer, updated in place: with 100,000 files, keeping every
// event's view made the old generation grow by hundreds of megabytes before a collection.
import type { Transfer } from '../common/contract.js';
import type { Engine } from '../engine/index.js';

/** What a command reports of one transfer. */
export type TransferRecord = Pick<Transfer, 'id' | 'sourcePath' | 'destination' | 'size' | 'state' | 'error'>;

export interface TrackedOutcome {
  /** The command's transfers in the order queued; those removed from the list meanwhile are left out. */
  transfers: TransferRecord[];
  /** The session ended: no one can sign in without a window, so the rest stays journaled. */
  signInNeeded: boolean;
  /** The data folder's disk is full: nothing can be recorded, so the rest stays journaled. */
  diskFull?: string;
}

export interface TransferTracker {
  /** Waits until every one of `ids` is finished or removed, or the run cannot go on. */
  follow(ids: readonly string[]): Promise<TrackedOutcome>;
  /** Stops listening (also done by follow() when it ends). */
  stop(): void;
}

const finished = new Set<Transfer['state']>(['done', 'failed', 'cancelled']);

/** Starts listening now: call it before queueing. `onChange` sees the command's transfers as they change. */
export function trackTransfers(engine: Engine, onChange?: (transfers: Transfer[]) => void): TransferTracker {
  const records = new Map<string, TransferRecord>();
  const removed = new Set<string>();
  // Until follow() names the command's ids, every transfer that changes is recorded, and its latest
  // view kept for onChange (only those that change while the command queues).
  let mine: Set<string> | undefined;
  const early = new Map<string, Transfer>();
  let unfinished = new Set<string>();
  type Stop = { signInNeeded: boolean; diskFull?: string };
  let stopped: Stop | undefined;
  let settle: ((stop: Stop) => void) | undefined;
  const end = (stop: Stop) => {
    stopped ??= stop;
    settle?.(stopped);
  };

  const record = (t: Transfer) => {
    const known = records.get(t.id);
    if (known) {
      known.size = t.size;
      known.state = t.state;
      known.error = t.error;
    } else {
      const { id, sourcePath, destination, size, state, error } = t;
      records.set(id, { id, sourcePath, destination, size, state, error });
    }
    if (finished.has(t.state)) unfinished.delete(t.id);
    else if (mine) unfinished.add(t.id);
  };
  const checkDone = () => {
    if (mine && unfinished.size === 0) end({ signInNeeded: false });
  };

  const stops = [
    engine.events.on('transfers.changed', ({ transfers }) => {
      const relevant = mine ? transfers.filter((t) => mine!.has(t.id)) : transfers;
      if (relevant.length === 0) return;
      for (const t of relevant) record(t);
      if (mine) onChange?.(relevant);
      else for (const t of relevant) early.set(t.id, t);
      checkDone();
    }),
    engine.events.on('transfers.removed', ({ ids }) => {
      for (const id of ids) {
        records.delete(id);
        early.delete(id);
        unfinished.delete(id);
        if (!mine) removed.add(id);
      }
      checkDone();
    }),
    engine.events.on('session', (view) => {
      if (view.state === 'needs-sign-in' || view.state === 'signed-out') end({ signInNeeded: true });
    }),
    engine.events.on('totals', (totals) => {
      if (totals.diskFull) end({ signInNeeded: false, diskFull: totals.diskFull });
    }),
  ];
  const stop = () => {
    for (const off of stops.splice(0)) off();
  };

  return {
    stop,
    async follow(ids) {
      mine = new Set(ids);
      for (const id of records.keys()) if (!mine.has(id)) records.delete(id);
      // A transfer not seen yet is still queued: a finished one always comes in an event.
      unfinished = new Set(ids.filter((id) => !removed.has(id) && !finished.has(records.get(id)?.state ?? 'queued')));
      removed.clear();
      onChange?.(ids.map((id) => early.get(id)).filter((t): t is Transfer => t !== undefined));
      early.clear();
      const outcome = await new Promise<Stop>((resolve) => {
        settle = resolve;
        if (stopped) resolve(stopped);
        checkDone();
        void engine['transfers.totals']({}).then((totals) => {
          if (totals.diskFull) end({ signInNeeded: false, diskFull: totals.diskFull });
        });
      });
      stop();
      // Stopped early, some were never seen: their journaled state fills the report.
      const unseen = new Set(ids.filter((id) => !records.has(id) && unfinished.has(id)));
      if (unseen.size > 0)
        for (const t of await engine['transfers.list']({ filter: 'all' })) if (unseen.has(t.id)) record(t);
      return {
        transfers: ids.map((id) => records.get(id)).filter((t): t is TransferRecord => t !== undefined),
        ...outcome,
      };
    },
  };
}
