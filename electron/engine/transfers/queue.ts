// The transfer queue: the journal's transfers, scheduled within the settings' limits, uploaded with
// the strategy that fits (single PUT or multipart), and published as throttled contract events.
// Depends on the state journal and the AWS SDK; nothing here knows about windows or RPC.
import { randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import { basename } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import type { EventPayload, Settings, Totals, Transfer, TransferError, TransferFilter } from '../../common/contract.js';
import type { StateDb } from '../state/db.js';
import { createJournal, type NewTransfer, type TransferRow } from '../state/journal.js';
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

export type QueueEventName = 'transfers.changed' | 'transfers.removed' | 'totals';
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
  list(filter?: TransferFilter): Transfer[];
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

interface Runtime {
  bytesDone: number;
  meter: RateMeter;
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

  for (const row of journal.all()) rows.set(row.id, row);
  const partBytes = deps.db.sqlite.prepare<[], { id: string; bytes: number }>('SELECT transfer_id AS id, sum(size) AS bytes FROM parts GROUP BY transfer_id').all();
  const journaledBytes = new Map(partBytes.map((r) => [r.id, r.bytes]));
  for (const row of rows.values()) rt(row.id).bytesDone = row.state === 'done' ? row.size : (journaledBytes.get(row.id) ?? 0);

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
      r = { bytesDone: 0, meter: new RateMeter(), verifying: false, blocked: false, holding: false, fileRestarts: 0, uploadRestarts: 0 };
      runtimes.set(id, r);
    }
    return r;
  }

  function refresh(id: string): void {
    const row = journal.get(id);
    if (row) rows.set(id, row);
    else rows.delete(id);
    publisher.changed(id);
  }

  /** Transfers of another identity (or any, when signed out) wait for sign-in. */
  function eligible(row: TransferRow): boolean {
    return target !== undefined && (row.identityId === undefined || row.identityId === target.identityId);
  }

  function view(row: TransferRow): Transfer {
    const r = rt(row.id);
    const t = now();
    let state: Transfer['state'] = row.state;
    let waitingFor: Transfer['waitingFor'];
    if (row.state === 'queued' || row.state === 'uploading' || row.state === 'verifying') {
      if (r.run) {
        state = r.waitingFor ? 'waiting' : r.verifying ? 'verifying' : 'uploading';
        waitingFor = r.waitingFor;
      } else if (pausedAll) state = 'paused';
      else if (!eligible(row) || r.blocked) {
        state = 'waiting';
        waitingFor = 'sign-in';
      } else state = 'queued';
    }
    const rate = r.run ? r.meter.rate(t) : 0;
    const bytesDone = Math.min(row.size, Math.max(0, r.bytesDone));
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

  function totals(): Totals {
    let active = 0;
    let queued = 0;
    let failed = 0;
    let bytesDone = 0;
    let bytesTotal = 0;
    for (const row of rows.values()) {
      const v = view(row);
      if (v.state === 'failed') failed++;
      else if (v.state === 'uploading' || v.state === 'verifying') active++;
      else if (v.state === 'queued' || v.state === 'waiting') queued++;
      if (v.state !== 'done' && v.state !== 'failed') {
        bytesDone += v.bytesDone;
        bytesTotal += v.size;
      }
    }
    const rate = totalMeter.rate(now());
    const out: Totals = { active, queued, failed, bytesDone, bytesTotal, rate, pausedAll };
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
    journal.setState(id, 'failed', error);
    refresh(id);
  }

  function running(): number {
    let n = 0;
    for (const r of runtimes.values()) if (r.run) n++;
    return n;
  }

  function pump(): void {
    if (started && !stopped && target && !pausedAll && !sweeping) {
      const limit = deps.settings().filesInParallel;
      let active = running();
      for (const row of rows.values()) {
        if (active >= limit) break;
        if (row.state !== 'queued' && row.state !== 'uploading' && row.state !== 'verifying') continue;
        const r = rt(row.id);
        if (r.run || r.blocked || r.holding || !eligible(row)) continue;
        if (row.identityId === undefined) {
          journal.setIdentity(row.id, target.identityId);
          refresh(row.id);
        }
        startRun(row.id, target);
        active++;
      }
    }
    checkIdle();
  }

  function isIdle(): boolean {
    if (sweeping) return false;
    for (const r of runtimes.values()) if (r.run) return false;
    if (!started || stopped || !target || pausedAll) return true;
    for (const row of rows.values()) {
      if ((row.state === 'queued' || row.state === 'uploading' || row.state === 'verifying') && eligible(row) && !rt(row.id).blocked) return false;
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
    r.run = { controller, done: Promise.resolve() };
    r.run.done = runLoop(id, t, controller.signal).finally(() => {
      r.run = undefined;
      r.verifying = false;
      r.meter.reset();
      if (r.waitingFor === 'network') r.waitingFor = undefined;
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
        await attempt(row, t, signal);
        // Completed, even if a pause raced with the last request: the object is there, say so.
        journal.markDone(id);
        r.bytesDone = row.size;
        r.fileRestarts = 0;
        r.uploadRestarts = 0;
        refresh(id);
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

  async function attempt(row: TransferRow, t: UploadTarget, signal: AbortSignal): Promise<void> {
    const r = rt(row.id);
    const keyResult = objectKeyFor(t.keyPrefix, row.destination);
    if (!keyResult.ok) throw new InvalidDestinationError(`${row.destination}: ${keyResult.reason}`);
    const version = await readVersion(row.sourcePath);
    if (version.size > MAX_OBJECT_SIZE) throw new ObjectTooLargeError(`${row.sourcePath} is larger than S3's 48.8 TiB object limit`);
    signal.throwIfAborted();
    let current = journal.get(row.id);
    if (!current) throw new Error('the transfer left the journal');
    if (!current.version || !sameVersion(current.version, version)) {
      journal.beginVersion(row.id, version); // a new version: the old upload (if any) is queued for abort
      r.bytesDone = 0;
    } else if (current.uploadId && current.objectKey !== keyResult.key) {
      journal.forgetUpload(row.id); // journaled for another key (the prefix changed): start over
      r.bytesDone = 0;
    } else {
      r.bytesDone = journal.parts(row.id).reduce((sum, p) => sum + p.size, 0);
    }
    refresh(row.id);
    current = journal.get(row.id);
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
          r.meter.add(n, at);
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
    if (isSinglePut(version.size, partSize) && !current.uploadId) await uploadSingle(ctx);
    else await uploadMultipart(ctx);
  }

  let janitorRunning: Promise<void> | undefined;
  function janitor(): Promise<void> {
    const t = target;
    if (!t || stopped) return Promise.resolve();
    janitorRunning ??= abortAbandoned(journal, t).finally(() => (janitorRunning = undefined));
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
    for (const id of ids) {
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
      for (const r of runtimes.values()) {
        r.blocked = false;
        if (r.waitingFor === 'sign-in') r.waitingFor = undefined;
      }
      const same = prev && next && prev.identityId === next.identityId && prev.s3 === next.s3 && prev.bucket === next.bucket && prev.keyPrefix === next.keyPrefix;
      if (!same) void halt([...runtimes.keys()], 'target changed'); // each run restarts (resuming from the journal) with the new target
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
      journal.insertMany(fresh);
      for (const id of ids) refresh(id);
      pump();
      return ids;
    },

    async pause(id) {
      const row = rows.get(id);
      if (!row || (row.state !== 'queued' && row.state !== 'uploading' && row.state !== 'verifying')) return;
      journal.setState(id, 'paused');
      refresh(id);
      await halt([id], 'paused');
    },

    resume(id) {
      const row = rows.get(id);
      if (row?.state !== 'paused') return;
      journal.setState(id, 'queued');
      refresh(id);
      pump();
    },

    async cancel(id) {
      if (!rows.has(id)) return;
      const r = rt(id);
      r.holding = true;
      await halt([id], 'cancelled');
      journal.remove(id); // its upload id moves to abandoned_uploads in the same transaction
      rows.delete(id);
      runtimes.delete(id);
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
      journal.setState(id, 'queued');
      refresh(id);
      pump();
    },

    async pauseAll() {
      pausedAll = true;
      deps.db.setMeta(PAUSED_ALL, '1');
      changedAll();
      await halt([...runtimes.keys()], 'paused all');
      checkIdle();
    },

    resumeAll() {
      pausedAll = false;
      deps.db.setMeta(PAUSED_ALL, undefined);
      for (const row of rows.values()) {
        if (row.state === 'paused') {
          journal.setState(row.id, 'queued');
          refresh(row.id);
        }
      }
      changedAll();
      pump();
    },

    clearHistory() {
      const ids = journal.clearHistory();
      for (const id of ids) {
        rows.delete(id);
        runtimes.delete(id);
      }
      if (ids.length > 0) deps.emit('transfers.removed', { ids });
      publisher.changed('');
    },

    list(filter = 'all') {
      const out: Transfer[] = [];
      for (const row of rows.values()) {
        const v = view(row);
        if (filter === 'all' || (filter === 'done' && v.state === 'done') || (filter === 'failed' && v.state === 'failed')) out.push(v);
        else if (filter === 'active' && v.state !== 'done' && v.state !== 'failed') out.push(v);
      }
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
      await halt([...runtimes.keys()], 'stopped');
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
