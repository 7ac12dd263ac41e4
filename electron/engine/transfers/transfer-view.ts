// How the queue shows its transfers: a journal row and what its run is doing become the contract's
// Transfer, and the index with the runtimes become the Totals. Pure: no journal reads, no events.
import { basename } from 'node:path';
import type { Totals, Transfer } from '../../common/contract.js';
import type { TransferRow } from './journal.js';
import type { RateMeter } from './progress.js';
import type { QueueIndex } from './queue-index.js';

/**
 * What only a running (or once-run) transfer needs. Created when a transfer first starts or has
 * journaled parts, dropped once it is done: a queued transfer costs its index entry and nothing else.
 */
export interface Runtime {
  bytesDone: number;
  /** Only while running. */
  meter?: RateMeter;
  waitingFor?: 'network' | 'sign-in' | 'disk-space';
  verifying: boolean;
  /** Needs sign-in (until the next setTarget) or disk space (until a write succeeds): not restarted. */
  blocked: boolean;
  /** Cancel or pause in progress: the scheduler must not restart it. */
  holding: boolean;
  fileRestarts: number;
  /** New upload ids after NoSuchUpload, bounded so a misbehaving server cannot loop us forever. */
  uploadRestarts: number;
  run?: { controller: AbortController; done: Promise<void> };
}

export interface ViewContext {
  now: number;
  pausedAll: boolean;
  /** Whether the current target may upload this row (signed in as its identity). */
  eligible(row: TransferRow): boolean;
  /** Where a finished row's object is (s3://bucket/key), when that is known. */
  s3Uri?(row: TransferRow): string | undefined;
}

/** The state a transfer shows: the journal's, refined by what its run is doing. */
function liveState(row: TransferRow, r: Runtime | undefined, ctx: ViewContext): Transfer['state'] {
  if (row.state !== 'queued' && row.state !== 'uploading' && row.state !== 'verifying') return row.state;
  if (r?.run) return r.waitingFor ? 'waiting' : r.verifying ? 'verifying' : 'uploading';
  if (ctx.pausedAll) return 'paused';
  if (!ctx.eligible(row) || r?.blocked) return 'waiting';
  return 'queued';
}

function bytesDoneOf(row: TransferRow, r: Runtime | undefined): number {
  if (row.state === 'done') return row.size;
  return Math.min(row.size, Math.max(0, r?.bytesDone ?? 0));
}

export function transferView(row: TransferRow, r: Runtime | undefined, ctx: ViewContext): Transfer {
  const state = liveState(row, r, ctx);
  let waitingFor: Transfer['waitingFor'];
  if (state === 'waiting') waitingFor = r?.run ? r.waitingFor : (r?.waitingFor ?? 'sign-in');
  const rate = r?.run && r.meter ? r.meter.rate(ctx.now) : 0;
  const bytesDone = bytesDoneOf(row, r);
  const out: Transfer = {
    id: row.id,
    name: basename(row.sourcePath),
    sourcePath: row.sourcePath,
    destination: row.destination,
    size: row.size,
    bytesDone,
    state,
    rate,
    origin: row.origin,
    createdAt: row.createdAt,
  };
  if (waitingFor) out.waitingFor = waitingFor;
  if (row.error && state === 'failed') out.error = row.error;
  if (rate > 0) out.etaSeconds = (row.size - bytesDone) / rate;
  if (row.finishedAt !== undefined && (state === 'done' || state === 'failed')) out.finishedAt = row.finishedAt;
  const s3Uri = state === 'done' ? ctx.s3Uri?.(row) : undefined;
  if (s3Uri) out.s3Uri = s3Uri;
  return out;
}

export interface TotalsContext {
  pausedAll: boolean;
  /** Bytes a second over every run. */
  rate: number;
  /** Why nothing starts (the data disk is full), if so. */
  diskFull?: string;
}

/**
 * Counts from the index; only the runtimes are walked (the states liveState would give each
 * unfinished transfer, without reading their rows).
 */
export function queueTotals(index: QueueIndex, runtimes: ReadonlyMap<string, Runtime>, ctx: TotalsContext): Totals {
  const counts = index.counts();
  let activeCount = 0;
  let waitingRuns = 0;
  let bytesDone = 0;
  for (const [id, r] of runtimes) {
    const bucket = index.bucket(id);
    if (bucket !== 'pending' && bucket !== 'paused') continue;
    bytesDone += Math.min(index.sizeOf(id) ?? 0, Math.max(0, r.bytesDone));
    if (bucket === 'pending' && r.run) {
      if (r.waitingFor) waitingRuns++;
      else activeCount++;
    }
  }
  // Not running: paused while everything is paused, else queued or waiting (both count as queued).
  const idleUnfinished = counts.pending - activeCount - waitingRuns;
  const queued = waitingRuns + (ctx.pausedAll ? 0 : idleUnfinished);
  const bytesTotal = counts.bytes;
  const { rate } = ctx;
  const out: Totals = {
    active: activeCount,
    queued,
    failed: counts.failed,
    done: counts.done,
    all: counts.all,
    bytesDone,
    bytesTotal,
    rate,
    pausedAll: ctx.pausedAll,
  };
  if (ctx.diskFull) out.diskFull = ctx.diskFull;
  if (rate > 0) out.etaSeconds = (bytesTotal - bytesDone) / rate;
  return out;
}
