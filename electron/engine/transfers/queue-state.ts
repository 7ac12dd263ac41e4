// The queue's shared state, in one explicit object its modules are handed: the rows of running
// transfers, the index of the others, the runtimes, the shared limits and the flags. The helpers here
// only keep those pieces in step with the journal; deciding is left to the scheduler and the runs.
import type { Settings, Totals, Transfer } from '../../common/contract.js';
import { systemClock } from '../platform/clock.js';
import { silentLogger, type Logger } from '../platform/log.js';
import type { StateDb, StorageFullError } from '../state/db.js';
import { createJournal, type Journal, type TransferRow } from './journal.js';
import { RequestBudget } from './budget.js';
import { Janitor } from './janitor.js';
import { objectKeyFor } from '../keys/object-key.js';
import { DEFAULT_PART_SIZE } from './plan.js';
import { ChangePublisher, RateMeter } from './progress.js';
import { PartBufferPool } from './part-buffers.js';
import { PutRoutes } from './s3-client.js';
import { SmallFileReader } from './small-file-reader.js';
import type { QueueEmit, TransferQueueDeps, UploadTarget } from './queue-api.js';
import { QueueIndex } from './queue-index.js';
import { NetworkGate } from './request.js';
import { TokenBucket } from './token-bucket.js';
import { queueTotals, transferView, type Runtime } from './transfer-view.js';

export interface QueueState {
  readonly db: StateDb;
  readonly journal: Journal;
  readonly settings: () => Settings;
  readonly emit: QueueEmit;
  readonly now: () => number;
  readonly log: Logger;
  readonly configuredPartSize: number;
  // Rows are read from the journal when needed; in memory are only the rows of running transfers
  // (`live`), what the scheduler needs of the others (`index`, kept in step by setRow/dropRow), and
  // the runtimes of transfers that ran or have journaled parts. `active` = running now.
  readonly live: Map<string, TransferRow>;
  /** Rows written since the last publish, as the write returned them: published without reading them back. */
  readonly written: Map<string, TransferRow>;
  readonly index: QueueIndex;
  readonly runtimes: Map<string, Runtime>;
  readonly active: Set<string>;
  readonly budget: RequestBudget;
  readonly bandwidth: TokenBucket;
  readonly gate: NetworkGate;
  readonly totalMeter: RateMeter;
  readonly publisher: ChangePublisher;
  readonly janitor: Janitor;
  readonly partBuffers: PartBufferPool;
  readonly smallFiles: SmallFileReader;
  readonly putRoutes: PutRoutes;
  /** The services above that this queue made for itself (none left to it by createEngine): it stops them. */
  readonly ownServices: Array<{ stop(): void | Promise<void> }>;
  target: UploadTarget | undefined;
  started: boolean;
  stopped: boolean;
  pausedAll: boolean;
  /** Cancel all in progress: the scheduler starts nothing. */
  cancellingAll: boolean;
  /** Set while the state DB cannot be written (disk full): nothing starts, a timer probes for room. */
  diskFull: StorageFullError | undefined;
  diskProbe: ReturnType<typeof setInterval> | undefined;
  /** Set by changedAll(): the next publish asks windows to re-read instead of listing every transfer. */
  invalidateAll: boolean;
  idleWaiters: Array<() => void>;
}

/** The meta key that keeps "pause all" across restarts. */
export const PAUSED_ALL = 'pausedAll';

/** `publish` turns a batch of changed ids into events (the publish policy); called at most ten times a second. */
export function createQueueState(deps: TransferQueueDeps, publish: (q: QueueState, ids: string[]) => void): QueueState {
  const clock = deps.clock ?? systemClock;
  const now = (): number => clock.now();
  const journal = createJournal(deps.db, now);
  const log = deps.log ?? silentLogger;
  const ownServices: QueueState['ownServices'] = [];
  const own = <T extends { stop(): void | Promise<void> }>(service: T): T => (ownServices.push(service), service);
  const q: QueueState = {
    db: deps.db,
    journal,
    settings: deps.settings,
    emit: deps.emit,
    now,
    log,
    configuredPartSize: deps.partSize ?? DEFAULT_PART_SIZE,
    live: new Map(),
    written: new Map(),
    index: new QueueIndex(),
    runtimes: new Map(),
    active: new Set(),
    budget: new RequestBudget(() => {
      const s = deps.settings();
      return Math.max(s.filesInParallel, s.partsInParallel);
    }),
    bandwidth: new TokenBucket(deps.settings().bandwidthLimit),
    gate: new NetworkGate(),
    totalMeter: new RateMeter(),
    publisher: new ChangePublisher((ids) => publish(q, ids), clock),
    janitor: new Janitor(journal, () => (q.stopped ? undefined : q.target), log),
    partBuffers: deps.partBuffers ?? own(new PartBufferPool()),
    smallFiles: deps.smallFiles ?? own(new SmallFileReader()),
    putRoutes: deps.putRoutes ?? own(new PutRoutes()),
    ownServices,
    target: undefined,
    started: false,
    stopped: false,
    pausedAll: deps.db.getMeta(PAUSED_ALL) === '1',
    cancellingAll: false,
    diskFull: undefined,
    diskProbe: undefined,
    invalidateAll: false,
    idleWaiters: [],
  };
  for (const row of journal.indexRows()) q.index.insert(row);
  for (const { id, bytes } of journal.partBytesByTransfer()) if (q.index.bucket(id)) runtimeOf(q, id).bytesDone = bytes;
  return q;
}

export function runtimeOf(q: QueueState, id: string): Runtime {
  let r = q.runtimes.get(id);
  if (!r) {
    r = { bytesDone: 0, verifying: false, blocked: false, holding: false, fileRestarts: 0, uploadRestarts: 0 };
    q.runtimes.set(id, r);
  }
  return r;
}

/** A running transfer's row as the run sees it, else the one just written, else the journal's. */
export function rowOf(q: QueueState, id: string): TransferRow | undefined {
  return q.live.get(id) ?? q.written.get(id) ?? q.journal.get(id);
}

/** A known transfer's row changed: index it (and keep it, while it runs). */
export function setRow(q: QueueState, row: TransferRow): void {
  if (q.live.has(row.id)) q.live.set(row.id, row);
  if (q.written.has(row.id)) q.written.set(row.id, row);
  q.index.update(row);
}

export function dropRow(q: QueueState, id: string, wasDone: boolean): void {
  q.index.remove(id, wasDone);
  q.live.delete(id);
  q.written.delete(id);
  q.runtimes.delete(id);
}

/** Takes the journal's row (re-read unless the write returned it) and publishes the change. */
export function refresh(q: QueueState, id: string, written?: TransferRow): void {
  if (written) q.written.set(id, written);
  const row = written ?? q.journal.get(id);
  if (row) setRow(q, row);
  else dropRow(q, id, false);
  q.publisher.changed(id);
}

/** Transfers of another identity (or any, when signed out) wait for sign-in. */
export function eligible(q: QueueState, row: { identityId: string | undefined }): boolean {
  return q.target !== undefined && (row.identityId === undefined || row.identityId === q.target.identityId);
}

/** A finished row's object, known while signed in as the identity that uploaded it (the bucket is its session's). */
function s3UriOf(q: QueueState, row: TransferRow): string | undefined {
  const target = q.target;
  if (!target || row.identityId !== target.identityId) return undefined;
  const key = objectKeyFor(target.keyPrefix, row.destination);
  return key.ok ? `s3://${target.bucket}/${key.key}` : undefined;
}

export function viewOf(q: QueueState, row: TransferRow): Transfer {
  return transferView(row, q.runtimes.get(row.id), {
    now: q.now(),
    pausedAll: q.pausedAll,
    eligible: (r) => eligible(q, r),
    s3Uri: (r) => s3UriOf(q, r),
  });
}

export function totalsOf(q: QueueState): Totals {
  return queueTotals(q.index, q.runtimes, {
    pausedAll: q.pausedAll,
    rate: q.totalMeter.rate(q.now()),
    ...(q.diskFull ? { diskFull: q.diskFull.message } : {}),
  });
}
