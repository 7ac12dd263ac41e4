// The transfer queue: the journal's transfers, scheduled within the settings' limits, uploaded with
// the strategy that fits (single PUT or multipart), and published as throttled contract events.
// Depends on the state journal and the AWS SDK; nothing here knows about windows or RPC.
import { randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import { basename } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import type { EventPayload, Settings, Totals, Transfer, TransferError, TransferFilter } from '../../common/contract.js';
import type { StateDb } from '../state/db.js';
import { createJournal, type FileVersion, type NewTransfer, type TransferRow } from '../state/journal.js';
import { RequestBudget } from './budget.js';
import type { UploadContext } from './context.js';
import { FileChangedError, FileMissingError, NotAFileError, readVersion, sameVersion } from './file-version.js';
import { abortAbandoned, sweepOrphans } from './janitor.js';
import { objectKeyFor } from './keys.js';
import { uploadMultipart } from './multipart.js';
import { DEFAULT_PART_SIZE, isSinglePut, MAX_OBJECT_SIZE, ObjectTooLargeError, partSizeFor } from './plan.js';
import { ChangePublisher, RateMeter, realTimer, type Timer } from './progress.js';
import { NetworkGate } from './request.js';
import { classify, errorCode } from './retry.js';
import { uploadSingle } from './single-put.js';
import { TokenBucket } from './token-bucket.js';
import { VerificationError } from './verify.js';

export interface UploadTarget {
  s3: S3Client;
  bucket: string;
  /** 'uploads/<identityId>/' */
  keyPrefix: string;
  identityId: string;
  /** Called when S3 answers ExpiredToken/InvalidToken: make the client's next request use fresh credentials. */
  refreshCredentials?: () => Promise<void>;
}

export type QueueEventName = 'transfers.changed' | 'transfers.removed' | 'transfers.invalidated' | 'totals';
export type QueueEmit = <E extends QueueEventName>(event: E, payload: EventPayload<E>) => void;

export interface TransferQueueDeps {
  db: StateDb;
  settings: () => Settings;
  emit: QueueEmit;
  now?: () => number;
  /** Configured part size (default 8 MiB); grows with the file to stay within 10,000 parts. */
  partSize?: number;
  /** Progress publishing clock (tests). */
  timer?: Timer;
}

export interface TransferQueue {
  setTarget(target: UploadTarget | undefined): void;
  add(items: Array<{ path: string; destination: string; origin: Transfer['origin'] }>): string[];
  pause(id: string): Promise<void>;
  resume(id: string): void;
  cancel(id: string): Promise<void>;
  retry(id: string): void;
  pauseAll(): Promise<void>;
  resumeAll(): void;
  clearHistory(): void;
  /** Newest first; `page` cuts one window of it. */
  list(filter?: TransferFilter, page?: { offset?: number; limit?: number }): Transfer[];
  totals(): Totals;
  /**
   * Resolves when nothing can make progress: no transfer running, and none queued that could start
   * (signed out, paused all, or other identities' transfers count as idle). Before start() it is idle.
   */
  whenIdle(): Promise<void>;
  /** Settings changed (filesInParallel may have grown): start what now fits. */
  settingsChanged(): void;
  start(): void;
  stop(): Promise<void>;
}

/**
 * What only a running (or once-run) transfer needs. Created when a transfer first starts or has
 * journaled parts, dropped once it is done: a queued transfer costs its row and nothing else.
 */
interface Runtime {
  bytesDone: number;
  /** Only while running. */
  meter?: RateMeter;
  waitingFor?: 'network' | 'sign-in';
  verifying: boolean;
  /** Needs sign-in: not restarted until the next setTarget. */
  blocked: boolean;
  /** Cancel or pause in progress: the scheduler must not restart it. */
  holding: boolean;
  fileRestarts: number;
  /** New upload ids after NoSuchUpload, bounded so a misbehaving server cannot loop us forever. */
  uploadRestarts: number;
  run?: { controller: AbortController; done: Promise<void> };
}

const PAUSED_ALL = 'pausedAll';
/** A file rewritten this often during its upload is treated as still being written. */
const MAX_FILE_RESTARTS = 5;
const MAX_UPLOAD_RESTARTS = 3;

export function createTransferQueue(deps: TransferQueueDeps): TransferQueue {
  const now = deps.now ?? Date.now;
  const journal = createJournal(deps.db, now);
  const configuredPartSize = deps.partSize ?? DEFAULT_PART_SIZE;
  const rows = new Map<string, TransferRow>();
  const runtimes = new Map<string, Runtime>();
  // Indexes kept in step with `rows` (setRow/dropRow), so scheduling and idle checks never walk
  // finished transfers: `pending` holds the journal-active ones (queued/uploading/verifying) in
  // queue order, `paused` the paused ones, `active` the ones running now.
  const pending = new Set<string>();
  const paused = new Set<string>();
  const active = new Set<string>();
  let failedCount = 0;
  let doneCount = 0;
  const budget = new RequestBudget(() => {
    const s = deps.settings();
    return Math.max(s.filesInParallel, s.partsInParallel);
  });
  const bandwidth = new TokenBucket(deps.settings().bandwidthLimit);
  const gate = new NetworkGate();
  const totalMeter = new RateMeter();
  let target: UploadTarget | undefined;
  let started = false;
  let stopped = false;
  let pausedAll = deps.db.getMeta(PAUSED_ALL) === '1';
  let sweeping = false;
  const swept = new Set<string>();
  let idleWaiters: Array<() => void> = [];

  for (const row of journal.all()) setRow(row);
  const partBytes = deps.db.sqlite.prepare<[], { id: string; bytes: number }>('SELECT transfer_id AS id, sum(size) AS bytes FROM parts GROUP BY transfer_id').all();
  for (const { id, bytes } of partBytes) {
    const row = rows.get(id);
    if (row && row.state !== 'done') rt(id).bytesDone = bytes;
  }

  const publisher = new ChangePublisher(
    (ids) => {
      const transfers = ids.flatMap((id) => {
        const row = rows.get(id);
        return row ? [view(row)] : [];
      });
      if (transfers.length > 0) deps.emit('transfers.changed', { transfers });
      deps.emit('totals', totals());
      budget.pump();
    },
    now,
    deps.timer ?? realTimer,
  );

  function rt(id: string): Runtime {
    let r = runtimes.get(id);
    if (!r) {
      r = { bytesDone: 0, verifying: false, blocked: false, holding: false, fileRestarts: 0, uploadRestarts: 0 };
      runtimes.set(id, r);
    }
    return r;
  }

  type Bucket = 'pending' | 'paused' | 'failed' | 'done';
  function bucketOf(state: TransferRow['state']): Bucket {
    return state === 'queued' || state === 'uploading' || state === 'verifying' ? 'pending' : state;
  }

  function setRow(row: TransferRow): void {
    const prev = rows.get(row.id);
    rows.set(row.id, row);
    const to = bucketOf(row.state);
    const from = prev && bucketOf(prev.state);
    if (from === to) return; // same bucket: keep its place in the queue
    if (from) unindex(row.id, from);
    if (to === 'pending') pending.add(row.id);
    else if (to === 'paused') paused.add(row.id);
    else if (to === 'failed') failedCount++;
    else doneCount++;
  }

  function unindex(id: string, from: Bucket): void {
    if (from === 'pending') pending.delete(id);
    else if (from === 'paused') paused.delete(id);
    else if (from === 'failed') failedCount--;
    else doneCount--;
  }

  function dropRow(id: string): void {
    const prev = rows.get(id);
    if (prev) unindex(id, bucketOf(prev.state));
    rows.delete(id);
    runtimes.delete(id);
  }

  /** Takes the journal's row (re-read unless the write returned it) and publishes the change. */
  function refresh(id: string, written?: TransferRow): void {
    const row = written ?? journal.get(id);
    if (row) setRow(row);
    else dropRow(id);
    publisher.changed(id);
  }

  /** Transfers of another identity (or any, when signed out) wait for sign-in. */
  function eligible(row: TransferRow): boolean {
    return target !== undefined && (row.identityId === undefined || row.identityId === target.identityId);
  }

  /** The state a transfer shows: the journal's, refined by what its run is doing. */
  function liveState(row: TransferRow, r: Runtime | undefined): Transfer['state'] {
    if (row.state !== 'queued' && row.state !== 'uploading' && row.state !== 'verifying') return row.state;
    if (r?.run) return r.waitingFor ? 'waiting' : r.verifying ? 'verifying' : 'uploading';
    if (pausedAll) return 'paused';
    if (!eligible(row) || r?.blocked) return 'waiting';
    return 'queued';
  }

  function bytesDoneOf(row: TransferRow, r: Runtime | undefined): number {
    if (row.state === 'done') return row.size;
    return Math.min(row.size, Math.max(0, r?.bytesDone ?? 0));
  }

  function view(row: TransferRow): Transfer {
    const r = runtimes.get(row.id);
    const state = liveState(row, r);
    let waitingFor: Transfer['waitingFor'];
    if (state === 'waiting') waitingFor = r?.run ? r.waitingFor : 'sign-in';
    const rate = r?.run && r.meter ? r.meter.rate(now()) : 0;
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
    return out;
  }

  /** Walks the unfinished transfers only: done and failed ones are counted by the indexes. */
  function totals(): Totals {
    let activeCount = 0;
    let queued = 0;
    let bytesDone = 0;
    let bytesTotal = 0;
    const add = (id: string): void => {
      const row = rows.get(id);
      if (!row) return;
      const r = runtimes.get(id);
      const state = liveState(row, r);
      if (state === 'uploading' || state === 'verifying') activeCount++;
      else if (state === 'queued' || state === 'waiting') queued++;
      bytesDone += bytesDoneOf(row, r);
      bytesTotal += row.size;
    };
    for (const id of pending) add(id);
    for (const id of paused) add(id);
    const rate = totalMeter.rate(now());
    const out: Totals = { active: activeCount, queued, failed: failedCount, done: doneCount, all: rows.size, bytesDone, bytesTotal, rate, pausedAll };
    if (rate > 0) out.etaSeconds = (bytesTotal - bytesDone) / rate;
    return out;
  }

  function fail(id: string, error: TransferError): void {
    // A failure retrying cannot mend (the file is gone, the key is invalid) will never use its
    // multipart upload again: hand it to the janitor to abort now rather than leave parts stored.
    // Retryable failures keep it, so a retry continues from the parts already sent.
    if (!error.retryable && journal.get(id)?.uploadId) {
      journal.forgetUpload(id);
      void janitor();
    }
    refresh(id, journal.setState(id, 'failed', error));
  }

  /** O(running + skipped): walks the journal-active transfers in queue order, never finished ones. */
  function pump(): void {
    if (started && !stopped && target && !pausedAll && !sweeping) {
      const limit = deps.settings().filesInParallel;
      let running = active.size;
      if (running < limit) {
        const starts: string[] = [];
        for (const id of pending) {
          if (running >= limit) break;
          const row = rows.get(id);
          const r = runtimes.get(id);
          if (!row || r?.run || r?.blocked || r?.holding || !eligible(row)) continue;
          starts.push(id);
          running++;
        }
        for (const id of starts) {
          if (rows.get(id)?.identityId === undefined) {
            journal.setIdentity(id, target.identityId);
            refresh(id);
          }
          startRun(id, target);
        }
      }
    }
    checkIdle();
  }

  function isIdle(): boolean {
    if (sweeping || active.size > 0) return false;
    if (!started || stopped || !target || pausedAll) return true;
    for (const id of pending) {
      const row = rows.get(id);
      if (row && eligible(row) && !runtimes.get(id)?.blocked) return false;
    }
    return true;
  }

  function checkIdle(): void {
    if (idleWaiters.length === 0 || !isIdle()) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const w of waiters) w();
  }

  function startRun(id: string, t: UploadTarget): void {
    const r = rt(id);
    const controller = new AbortController();
    r.verifying = false;
    r.waitingFor = undefined;
    r.meter = new RateMeter();
    r.run = { controller, done: Promise.resolve() };
    active.add(id);
    r.run.done = runLoop(id, t, controller.signal).finally(() => {
      active.delete(id);
      r.run = undefined;
      r.verifying = false;
      r.meter = undefined;
      if (r.waitingFor === 'network') r.waitingFor = undefined;
      // A finished transfer needs no runtime: its row says everything.
      if (rows.get(id)?.state === 'done' && runtimes.get(id) === r) runtimes.delete(id);
      publisher.changed(id);
      void janitor();
      pump();
    });
    publisher.changed(id);
  }

  async function runLoop(id: string, t: UploadTarget, signal: AbortSignal): Promise<void> {
    const r = rt(id);
    for (;;) {
      const row = rows.get(id);
      if (!row || signal.aborted) return;
      try {
        const sentWhole = await attempt(row, t, signal);
        // Completed, even if a pause raced with the last request: the object is there, say so.
        // Journaled before it is reported (refresh publishes it).
        const written = journal.markDone(id, sentWhole);
        r.fileRestarts = 0;
        r.uploadRestarts = 0;
        refresh(id, written);
        return;
      } catch (error) {
        if (signal.aborted) return;
        if (error instanceof FileChangedError) {
          if (++r.fileRestarts > MAX_FILE_RESTARTS) {
            return fail(id, { code: 'file_unstable', message: `${row.sourcePath} kept changing while it was being uploaded`, retryable: true });
          }
          continue; // the next attempt records the new version and starts over on it
        }
        const errno = (error as NodeJS.ErrnoException).code;
        if (error instanceof FileMissingError || errno === 'ENOENT') {
          return fail(id, { code: 'file_missing', message: `${row.sourcePath} no longer exists`, retryable: false });
        }
        if (errno === 'EACCES' || errno === 'EPERM' || errno === 'EISDIR') {
          return fail(id, { code: 'file_unreadable', message: `${row.sourcePath} cannot be read (${errno})`, retryable: true });
        }
        if (error instanceof NotAFileError) return fail(id, { code: 'not_a_file', message: error.message, retryable: false });
        if (error instanceof VerificationError) return fail(id, { code: 'verification_failed', message: error.message, retryable: true });
        if (error instanceof InvalidDestinationError) return fail(id, { code: 'invalid_destination', message: error.message, retryable: false });
        if (error instanceof ObjectTooLargeError) return fail(id, { code: 'too_large', message: error.message, retryable: false });
        const kind = classify(error, signal);
        if (kind === 'sign-in') {
          r.blocked = true;
          r.waitingFor = 'sign-in';
          publisher.changed(id);
          return;
        }
        if (kind === 'no-such-upload' && ++r.uploadRestarts <= MAX_UPLOAD_RESTARTS) {
          journal.forgetUpload(id);
          refresh(id);
          continue;
        }
        return fail(id, describe(error, kind, row));
      }
    }
  }

  /**
   * One upload attempt of the file's current version. Returns that version when it was sent whole
   * in one PUT without being journaled first (markDone records it with the outcome), else undefined.
   */
  async function attempt(row: TransferRow, t: UploadTarget, signal: AbortSignal): Promise<FileVersion | undefined> {
    const r = rt(row.id);
    const keyResult = objectKeyFor(t.keyPrefix, row.destination);
    if (!keyResult.ok) throw new InvalidDestinationError(`${row.destination}: ${keyResult.reason}`);
    const version = await readVersion(row.sourcePath);
    if (version.size > MAX_OBJECT_SIZE) throw new ObjectTooLargeError(`${row.sourcePath} is larger than S3's 48.8 TiB object limit`);
    signal.throwIfAborted();
    let current = journal.get(row.id);
    if (!current) throw new Error('the transfer left the journal');
    let unjournaled: FileVersion | undefined;
    if (!current.version || !sameVersion(current.version, version)) {
      if (!current.uploadId && isSinglePut(version.size, partSizeFor(version.size, configuredPartSize))) {
        // A new version sent in one PUT: nothing to resume after a crash (the PUT is simply sent
        // again), so the version is journaled with the outcome, in one write instead of two.
        unjournaled = version;
        current = { ...current, version, size: version.size, objectKey: undefined, partSize: undefined, completing: false };
        setRow(current);
        publisher.changed(row.id);
      } else {
        journal.beginVersion(row.id, version); // a new version: the old upload (if any) is queued for abort
        current = undefined;
      }
      r.bytesDone = 0;
    } else if (current.uploadId && current.objectKey !== keyResult.key) {
      journal.forgetUpload(row.id); // journaled for another key (the prefix changed): start over
      current = undefined;
      r.bytesDone = 0;
    } else {
      r.bytesDone = current.uploadId ? journal.parts(row.id).reduce((sum, p) => sum + p.size, 0) : 0;
      setRow(current);
      publisher.changed(row.id);
    }
    if (!current) {
      refresh(row.id);
      current = rows.get(row.id);
    }
    if (!current) throw new Error('the transfer left the journal');
    const partSize = current.partSize ?? partSizeFor(version.size, configuredPartSize);
    const ctx: UploadContext = {
      id: row.id,
      sourcePath: row.sourcePath,
      version,
      bucketName: t.bucket,
      key: keyResult.key,
      identityId: t.identityId,
      s3: t.s3,
      journal,
      signal,
      budget,
      bandwidth,
      gate,
      partSize,
      partsInParallel: () => deps.settings().partsInParallel,
      ...(t.refreshCredentials ? { refreshCredentials: t.refreshCredentials } : {}),
      onBytes: (n) => {
        r.bytesDone += n;
        if (n > 0) {
          const at = now();
          r.meter?.add(n, at);
          totalMeter.add(n, at);
        }
        publisher.changed(row.id);
      },
      onWaiting: (reason) => {
        r.waitingFor = reason;
        publisher.changed(row.id);
      },
      onVerifying: () => {
        r.verifying = true;
        publisher.changed(row.id);
      },
      beforeChunk: () => bandwidth.setRate(deps.settings().bandwidthLimit),
    };
    if (isSinglePut(version.size, partSize) && !current.uploadId) {
      await uploadSingle(ctx);
      return unjournaled;
    }
    if (unjournaled) throw new Error('a multipart upload must journal its version first');
    await uploadMultipart(ctx);
    return undefined;
  }

  let janitorRunning: Promise<void> | undefined;
  /** journal.abandonCount() when the last pass for the current target left nothing behind. */
  let janitorCleanAt: number | undefined;
  function janitor(): Promise<void> {
    const t = target;
    if (!t || stopped) return Promise.resolve();
    if (janitorRunning) return janitorRunning;
    // Nothing abandoned since a pass that left nothing: no query after every finished transfer.
    const mark = journal.abandonCount();
    if (janitorCleanAt === mark) return Promise.resolve();
    janitorRunning = abortAbandoned(journal, t)
      .then((clean) => {
        if (clean && target === t) janitorCleanAt = mark;
      })
      .finally(() => (janitorRunning = undefined));
    return janitorRunning;
  }

  /** Once per identity, before its first transfer runs: abort what the journal no longer needs. */
  function sweep(t: UploadTarget): void {
    if (swept.has(t.identityId)) return;
    swept.add(t.identityId);
    sweeping = true;
    const keys = new Set<string>();
    for (const row of rows.values()) {
      const k = objectKeyFor(t.keyPrefix, row.destination);
      if (k.ok && row.identityId === t.identityId) keys.add(k.key);
    }
    void abortAbandoned(journal, t)
      .then(() => sweepOrphans(journal, t, keys, now()))
      .catch(() => undefined)
      .finally(() => {
        sweeping = false;
        pump();
      });
  }

  async function halt(ids: Iterable<string>, reason: string): Promise<void> {
    const waits: Promise<void>[] = [];
    for (const id of [...ids]) {
      const run = runtimes.get(id)?.run;
      if (run) {
        run.controller.abort(new StoppedError(reason));
        waits.push(run.done);
      }
    }
    await Promise.all(waits);
  }

  function changedAll(): void {
    for (const id of rows.keys()) publisher.changed(id);
    if (rows.size === 0) publisher.changed('');
  }

  return {
    setTarget(next) {
      const prev = target;
      target = next;
      janitorCleanAt = undefined;
      for (const r of runtimes.values()) {
        r.blocked = false;
        if (r.waitingFor === 'sign-in') r.waitingFor = undefined;
      }
      const same = prev && next && prev.identityId === next.identityId && prev.s3 === next.s3 && prev.bucket === next.bucket && prev.keyPrefix === next.keyPrefix;
      if (!same) void halt(active, 'target changed'); // each run restarts (resuming from the journal) with the new target
      if (next && started) sweep(next);
      changedAll();
      pump();
    },

    add(items) {
      const ids: string[] = [];
      const fresh: NewTransfer[] = items.map((item) => {
        const id = randomUUID();
        ids.push(id);
        const base: NewTransfer = { id, sourcePath: item.path, destination: item.destination, identityId: target?.identityId, origin: item.origin, state: 'queued', size: 0 };
        const key = objectKeyFor(target?.keyPrefix ?? '', item.destination);
        if (!key.ok) return { ...base, state: 'failed', error: { code: 'invalid_destination', message: `${item.destination}: ${key.reason}`, retryable: false } };
        const st = statSync(item.path, { throwIfNoEntry: false });
        if (!st) return { ...base, state: 'failed', error: { code: 'file_missing', message: `${item.path} does not exist`, retryable: false } };
        if (!st.isFile()) return { ...base, state: 'failed', error: { code: 'not_a_file', message: `${item.path} is not a regular file`, retryable: false } };
        return { ...base, size: st.size };
      });
      for (const row of journal.insertMany(fresh)) refresh(row.id, row);
      pump();
      return ids;
    },

    async pause(id) {
      const row = rows.get(id);
      if (!row || (row.state !== 'queued' && row.state !== 'uploading' && row.state !== 'verifying')) return;
      refresh(id, journal.setState(id, 'paused'));
      await halt([id], 'paused');
    },

    resume(id) {
      const row = rows.get(id);
      if (row?.state !== 'paused') return;
      refresh(id, journal.setState(id, 'queued'));
      pump();
    },

    async cancel(id) {
      if (!rows.has(id)) return;
      const r = rt(id);
      r.holding = true;
      await halt([id], 'cancelled');
      journal.remove(id); // its upload id moves to abandoned_uploads in the same transaction
      dropRow(id);
      deps.emit('transfers.removed', { ids: [id] });
      publisher.changed('');
      await janitor();
      checkIdle();
    },

    retry(id) {
      const row = rows.get(id);
      if (row?.state !== 'failed') return;
      const r = rt(id);
      r.fileRestarts = 0;
      r.uploadRestarts = 0;
      r.blocked = false;
      refresh(id, journal.setState(id, 'queued'));
      pump();
    },

    async pauseAll() {
      pausedAll = true;
      deps.db.setMeta(PAUSED_ALL, '1');
      changedAll();
      await halt(active, 'paused all');
      checkIdle();
    },

    resumeAll() {
      pausedAll = false;
      deps.db.setMeta(PAUSED_ALL, undefined);
      for (const id of [...paused]) refresh(id, journal.setState(id, 'queued'));
      changedAll();
      pump();
    },

    clearHistory() {
      const ids = journal.clearHistory();
      for (const id of ids) dropRow(id);
      if (ids.length > 0) deps.emit('transfers.removed', { ids });
      publisher.changed('');
    },

    list(filter = 'all', page = {}) {
      let out: Transfer[] = [];
      for (const row of rows.values()) {
        const v = view(row);
        if (filter === 'all' || (filter === 'done' && v.state === 'done') || (filter === 'failed' && v.state === 'failed')) out.push(v);
        else if (filter === 'active' && v.state !== 'done' && v.state !== 'failed') out.push(v);
      }
      out.reverse().sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
      const offset = page.offset ?? 0;
      if (offset > 0 || page.limit !== undefined) out = out.slice(offset, page.limit === undefined ? undefined : offset + page.limit);
      return out;
    },

    totals,

    whenIdle() {
      return new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        checkIdle();
      });
    },

    settingsChanged() {
      budget.pump();
      bandwidth.setRate(deps.settings().bandwidthLimit);
      pump();
    },

    start() {
      started = true;
      stopped = false;
      if (target) sweep(target);
      pump();
    },

    async stop() {
      stopped = true;
      await halt(active, 'stopped');
      await janitorRunning;
      publisher.drain();
      publisher.dispose();
      gate.dispose();
      checkIdle();
    },
  };
}

class StoppedError extends Error {
  override name = 'AbortError';
}

class InvalidDestinationError extends Error {
  override name = 'InvalidDestinationError';
}

function describe(error: unknown, kind: ReturnType<typeof classify>, row: TransferRow): TransferError {
  const code = errorCode(error);
  const message = (error as { message?: string }).message ?? String(error);
  if (code === 'AccessDenied') {
    return { code: 'access_denied', message: `S3 refused to store ${row.destination} (AccessDenied): ${message}`, retryable: false };
  }
  const retryable = kind === 'transient' || kind === 'throttled' || kind === 'credentials' || kind === 'network';
  return { code, message: `${code}: ${message}`, retryable };
}
