// The transfer queue: the journal's transfers, scheduled within the settings' limits, uploaded with
// the strategy that fits (single PUT or multipart), and published as throttled contract events.
// Depends on the state journal and the AWS SDK; nothing here knows about windows or RPC.
import { randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import type { EventPayload, Settings, Totals, Transfer, TransferError, TransferFilter } from '../../common/contract.js';
import { silentLogger, type Logger } from '../log.js';
import { isStorageFull, StorageFullError, type StateDb } from '../state/db.js';
import { createJournal, type FileVersion, type JournalState, type NewTransfer, type TransferRow } from '../state/journal.js';
import { RequestBudget } from './budget.js';
import type { UploadContext } from './context.js';
import { FileChangedError, FileMissingError, NotAFileError, readVersion, sameVersion } from './file-version.js';
import { AlreadyUploadedError } from './control-errors.js';
import { abortAbandoned } from './janitor.js';
import { objectKeyFor } from './keys.js';
import { uploadMultipart } from './multipart.js';
import { QueueIndex } from './queue-index.js';
import { DEFAULT_PART_SIZE, isSinglePut, MAX_OBJECT_SIZE, ObjectTooLargeError, partSizeFor } from './plan.js';
import { ChangePublisher, RateMeter, realTimer, type Timer } from './progress.js';
import { NetworkGate } from './request.js';
import { classify, errorCode } from './retry.js';
import { BUFFERED_PUT_MAX, uploadSingle } from './single-put.js';
import { readSmallFile } from './small-file-reader.js';
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
  /** Called while S3 does not answer: the place it is reached at may have moved (a new target follows). */
  onUnreachable?: () => void;
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
  /** Where swallowed failures (a janitor pass that could not finish) are noted; silent by default. */
  log?: Logger;
}

export interface TransferQueue {
  setTarget(target: UploadTarget | undefined): void;
  add(items: Array<{ path: string; destination: string; origin: Transfer['origin'] }>): string[];
  pause(id: string): Promise<void>;
  resume(id: string): void;
  /** Cancels an unfinished transfer; a finished one is refused (AlreadyUploadedError). */
  cancel(id: string): Promise<void>;
  /**
   * Cancels every unfinished transfer (queued, running, paused) and returns how many: nothing starts
   * while it runs, and one that completes while being stopped stays done.
   */
  cancelAll(): Promise<number>;
  retry(id: string): void;
  pauseAll(): Promise<void>;
  resumeAll(): void;
  clearHistory(): void;
  /** Newest first; `page` cuts one window of it. Read from the journal: nothing keeps every row in memory. */
  list(filter?: TransferFilter, page?: { offset?: number; limit?: number }): Transfer[];
  /** The journal's state of a transfer ("queued" for any unfinished one not paused), or undefined once it is gone. */
  stateOf(id: string): Extract<Transfer['state'], JournalState> | undefined;
  /** Transfers that write `destination`, newest first. */
  byDestination(destination: string): Transfer[];
  /** Unfinished transfers a watched folder queued. */
  unfinishedOfFolder(folderId: string): string[];
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
 * journaled parts, dropped once it is done: a queued transfer costs its index entry and nothing else.
 */
interface Runtime {
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

const PAUSED_ALL = 'pausedAll';
/** A file rewritten this often during its upload is treated as still being written. */
const MAX_FILE_RESTARTS = 5;
const MAX_UPLOAD_RESTARTS = 3;
/** Queued or paused transfers one transfers.changed event carries at most (see the publisher). */
const MAX_QUIET_ROWS_PER_EVENT = 200;
/** While the data folder's disk is full, how often to try a small write to see whether room came back. */
const DISK_PROBE_MS = 2_000;

export function createTransferQueue(deps: TransferQueueDeps): TransferQueue {
  const now = deps.now ?? Date.now;
  const log = deps.log ?? silentLogger;
  const journal = createJournal(deps.db, now);
  const configuredPartSize = deps.partSize ?? DEFAULT_PART_SIZE;
  // Rows are read from the journal when needed; in memory are only the rows of running transfers
  // (`live`), what the scheduler needs of the others (`index`, kept in step by setRow/dropRow), and
  // the runtimes of transfers that ran or have journaled parts. `active` = running now.
  const live = new Map<string, TransferRow>();
  const index = new QueueIndex();
  const runtimes = new Map<string, Runtime>();
  const active = new Set<string>();
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
  /** Set while the state DB cannot be written (disk full): nothing starts, a timer probes for room. */
  let diskFull: StorageFullError | undefined;
  let diskProbe: ReturnType<typeof setInterval> | undefined;
  /** Cancel all in progress: the scheduler starts nothing. */
  let cancellingAll = false;
  let idleWaiters: Array<() => void> = [];

  for (const row of journal.indexRows()) index.insert(row);
  for (const { id, bytes } of journal.partBytesByTransfer()) if (index.bucket(id)) rt(id).bytesDone = bytes;

  // Set by changedAll(): the next publish asks windows to re-read instead of listing every transfer.
  let invalidateAll = false;
  const publisher = new ChangePublisher(
    (ids) => {
      // Unfinished transfers that are not running changed only in their state (queued, paused) or were
      // just added: past a page of them, one invalidation says it better than 100,000 rows. Running,
      // finished and failed ones are always sent: folder sync, notifications and the CLI wait for those.
      const quiet = (id: string) => !live.has(id) && (index.pending.has(id) || index.paused.has(id));
      let invalidate = invalidateAll;
      if (!invalidate) {
        let count = 0;
        for (const id of ids) if (quiet(id) && ++count > MAX_QUIET_ROWS_PER_EVENT) break;
        invalidate = count > MAX_QUIET_ROWS_PER_EVENT;
      }
      invalidateAll = false;
      if (invalidate) deps.emit('transfers.invalidated', {});
      const transfers = ids.flatMap((id) => {
        const row = id && !(invalidate && quiet(id)) ? rowOf(id) : undefined;
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

  /** A running transfer's row as the run sees it, else the journal's. */
  function rowOf(id: string): TransferRow | undefined {
    return live.get(id) ?? journal.get(id);
  }

  /** A known transfer's row changed: index it (and keep it, while it runs). */
  function setRow(row: TransferRow): void {
    if (live.has(row.id)) live.set(row.id, row);
    index.update(row);
  }

  function dropRow(id: string, wasDone: boolean): void {
    index.remove(id, wasDone);
    live.delete(id);
    runtimes.delete(id);
  }

  /** Takes the journal's row (re-read unless the write returned it) and publishes the change. */
  function refresh(id: string, written?: TransferRow): void {
    const row = written ?? journal.get(id);
    if (row) setRow(row);
    else dropRow(id, false);
    publisher.changed(id);
  }

  /** Transfers of another identity (or any, when signed out) wait for sign-in. */
  function eligible(row: { identityId: string | undefined }): boolean {
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
    if (state === 'waiting') waitingFor = r?.run ? r.waitingFor : (r?.waitingFor ?? 'sign-in');
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

  /**
   * Counts from the index; only the runtimes are walked (the states liveState would give each
   * unfinished transfer, without reading their rows).
   */
  function totals(): Totals {
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
    const queued = waitingRuns + (pausedAll ? 0 : idleUnfinished);
    const bytesTotal = counts.bytes;
    const rate = totalMeter.rate(now());
    const out: Totals = { active: activeCount, queued, failed: counts.failed, done: counts.done, all: counts.all, bytesDone, bytesTotal, rate, pausedAll };
    if (diskFull) out.diskFull = diskFull.message;
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
    if (started && !stopped && target && !pausedAll && !diskFull && !cancellingAll) {
      const limit = deps.settings().filesInParallel;
      let running = active.size;
      if (running < limit) {
        const starts: string[] = [];
        for (const [id, entry] of index.pending) {
          if (running >= limit) break;
          const r = runtimes.get(id);
          if (r?.run || r?.blocked || r?.holding || !eligible(entry)) continue;
          starts.push(id);
          running++;
        }
        try {
          for (const id of starts) {
            if (index.pending.get(id)?.identityId === undefined) {
              journal.setIdentity(id, target.identityId);
              refresh(id);
            }
            startRun(id, target);
          }
        } catch (error) {
          if (!isStorageFull(error)) throw error;
          enterDiskFull();
        }
      }
    }
    checkIdle();
  }

  function isIdle(): boolean {
    if (active.size > 0) return false;
    if (!started || stopped || !target || pausedAll || diskFull) return true;
    for (const [id, entry] of index.pending) if (eligible(entry) && !runtimes.get(id)?.blocked) return false;
    return true;
  }

  function checkIdle(): void {
    if (idleWaiters.length === 0 || !isIdle()) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const w of waiters) w();
  }

  /** The state DB could not be written: stop starting transfers and look for room every few seconds. */
  function enterDiskFull(): void {
    if (!diskFull) {
      diskFull = new StorageFullError(dirname(deps.db.path));
      publisher.changed('');
    }
    if (diskProbe || stopped) return;
    diskProbe = setInterval(() => {
      if (!deps.db.canWrite()) return;
      leaveDiskFull();
      pump();
    }, DISK_PROBE_MS);
    diskProbe.unref?.();
  }

  /** A write went through again: the transfers waiting for room start over from their journal. */
  function leaveDiskFull(): void {
    if (!diskFull) return;
    clearInterval(diskProbe);
    diskProbe = undefined;
    diskFull = undefined;
    for (const r of runtimes.values()) {
      if (r.waitingFor !== 'disk-space') continue;
      r.blocked = false;
      r.waitingFor = undefined;
    }
    changedAll();
  }

  function startRun(id: string, t: UploadTarget): void {
    const row = journal.get(id);
    if (!row) return;
    live.set(id, row);
    const r = rt(id);
    const controller = new AbortController();
    r.verifying = false;
    r.waitingFor = undefined;
    r.meter = new RateMeter();
    r.run = { controller, done: Promise.resolve() };
    active.add(id);
    r.run.done = runLoop(id, t, controller.signal)
      .catch((error: unknown) => {
        if (!isStorageFull(error)) throw error;
        // Its outcome could not be recorded: it runs again (from what the journal has) once there is room.
        r.blocked = true;
        r.waitingFor = 'disk-space';
        enterDiskFull();
      })
      .finally(() => {
      active.delete(id);
      live.delete(id);
      r.run = undefined;
      r.verifying = false;
      r.meter = undefined;
      if (r.waitingFor === 'network') r.waitingFor = undefined;
      // A finished transfer needs no runtime: its row says everything.
      if (index.bucket(id) === undefined && runtimes.get(id) === r) runtimes.delete(id);
      publisher.changed(id);
      void janitor();
      pump();
    });
    publisher.changed(id);
  }

  async function runLoop(id: string, t: UploadTarget, signal: AbortSignal): Promise<void> {
    const r = rt(id);
    for (;;) {
      const row = live.get(id);
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
        if (isStorageFull(error)) throw error; // not this transfer's fault: startRun waits for room
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
    // A small file is stat'ed, read and stat'ed again in one trip to the reader thread.
    const small = row.size <= BUFFERED_PUT_MAX && !row.uploadId ? await readSmallFile(row.sourcePath, BUFFERED_PUT_MAX, signal) : undefined;
    const version = small?.version ?? (await readVersion(row.sourcePath));
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
      current = live.get(row.id);
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
      ...(small?.data ? { contents: small.data } : {}),
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
        if (reason === 'network') t.onUnreachable?.();
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
  /**
   * One pass aborting what the journal abandoned, in the background: transfers never wait for it
   * (docs/ARCHITECTURE.md, Data safety: cancel, abort and the janitor). A pass that fails is noted and left for the next.
   */
  function janitor(): Promise<void> {
    const t = target;
    if (!t || stopped) return Promise.resolve();
    if (janitorRunning) return janitorRunning;
    // Nothing abandoned since a pass that left nothing: no query after every finished transfer.
    const mark = journal.abandonCount();
    if (janitorCleanAt === mark) return Promise.resolve();
    janitorRunning = abortAbandoned(journal, t, log)
      .then((clean) => {
        if (clean && target === t) janitorCleanAt = mark;
      })
      .catch((error: unknown) => log.warn('janitor: abandoned uploads not aborted', { error: String(error) }))
      .finally(() => (janitorRunning = undefined));
    return janitorRunning;
  }

  /** A run whose object may be stored any moment now: a buffered small PUT, or a Complete being sent. */
  function landsAtOnce(id: string): boolean {
    const row = live.get(id);
    if (!row) return false;
    if (runtimes.get(id)?.verifying) return true;
    return !row.uploadId && row.size <= BUFFERED_PUT_MAX;
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

  /**
   * Every transfer's shown state may have changed (pause all, sign-in): windows re-read the page they
   * show instead of receiving 100,000 rows. Running ones and the totals are published as usual.
   */
  function changedAll(): void {
    invalidateAll = true;
    for (const id of live.keys()) publisher.changed(id);
    publisher.changed('');
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
      if (!same) {
        gate.reset();
        void halt(active, 'target changed'); // each run restarts (resuming from the journal) with the new target
      }
      if (next && started) void janitor();
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
      let inserted;
      try {
        inserted = journal.insertMany(fresh);
      } catch (error) {
        if (!isStorageFull(error)) throw error;
        enterDiskFull();
        throw diskFull;
      }
      leaveDiskFull();
      for (const row of inserted) {
        index.insert(row);
        publisher.changed(row.id);
      }
      pump();
      return ids;
    },

    async pause(id) {
      if (index.bucket(id) !== 'pending') return;
      refresh(id, journal.setState(id, 'paused'));
      await halt([id], 'paused');
    },

    resume(id) {
      if (index.bucket(id) !== 'paused') return;
      refresh(id, journal.setState(id, 'queued'));
      pump();
    },

    async cancel(id) {
      const state = index.bucket(id) ?? journal.stateOf(id);
      if (!state) return;
      // Its object is in the bucket: forgetting it would only make the history lie.
      if (state === 'done') throw new AlreadyUploadedError(journal.get(id)?.destination ?? id, 'cancel');
      const r = rt(id);
      r.holding = true;
      await halt([id], 'cancelled');
      journal.remove(id); // its upload id moves to abandoned_uploads in the same transaction
      dropRow(id, false);
      deps.emit('transfers.removed', { ids: [id] });
      publisher.changed('');
      await janitor();
      checkIdle();
    },

    async cancelAll() {
      // Stop the scheduler first, then the runs: walking transfers one at a time while new ones start
      // would cancel some after they finished.
      cancellingAll = true;
      try {
        // A small PUT or a Complete on the wire may already be stored: aborting it could leave an object
        // for a transfer reported cancelled. They end in moments, so they finish and count as done.
        const landing = [...active].filter((id) => landsAtOnce(id));
        await Promise.all([halt([...active].filter((id) => !landing.includes(id)), 'cancelled'), ...landing.map((id) => runtimes.get(id)?.run?.done)]);
        const ids = [...index.pending.keys(), ...index.paused.keys()];
        journal.removeMany(ids); // their upload ids move to abandoned_uploads in the same transaction
        for (const id of ids) dropRow(id, false);
        if (ids.length > 0) deps.emit('transfers.removed', { ids });
        publisher.changed('');
        await janitor();
        return ids.length;
      } finally {
        cancellingAll = false;
        pump();
      }
    },

    retry(id) {
      if (index.bucket(id) !== 'failed') return;
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
      // One transaction for them all, and one invalidation instead of an event per transfer.
      for (const row of journal.setStates([...index.paused.keys()], 'queued')) setRow(row);
      changedAll();
      pump();
    },

    clearHistory() {
      const ids = journal.clearHistory();
      index.forgetDone(ids.length);
      for (const id of ids) runtimes.delete(id);
      if (ids.length > 0) deps.emit('transfers.removed', { ids });
      publisher.changed('');
    },

    list(filter = 'all', page = {}) {
      return journal.page(filter, page.offset, page.limit).map((row) => view(live.get(row.id) ?? row));
    },

    stateOf(id) {
      const bucket = index.bucket(id);
      if (bucket === 'pending') return 'queued';
      if (bucket) return bucket;
      return journal.stateOf(id) === 'done' ? 'done' : undefined;
    },

    byDestination(destination) {
      return journal.byDestination(destination).map((row) => view(live.get(row.id) ?? row));
    },

    unfinishedOfFolder: (folderId) => journal.unfinishedOfFolder(folderId),

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
      void janitor();
      pump();
    },

    async stop() {
      stopped = true;
      clearInterval(diskProbe);
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
