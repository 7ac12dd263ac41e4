// From "this file exists" to "this file is in the queue": key check, reconcile with the state DB,
// the stability window, a content hash, and batched hand-over to the transfer queue. Shared by every
// watched folder; per-file work is keyed by "<folder id>\0<relative path>".
//
// Deletions and renames are not mirrored: the deployed role can only write. A renamed file is a new
// path, so it is uploaded under its new key and the old object stays; a deleted file is simply no
// longer looked at. Nothing here ever deletes anything remote.
import { access, constants, lstat } from 'node:fs/promises';
import path from 'node:path';
import type { Transfer, TransferState } from '../../common/contract.js';
import { describeFsError } from '../intake/expand-paths.js';
import type { Logger } from '../platform/log.js';
import { UnsafeFileError } from '../platform/safe-open.js';
import type { Clock } from '../platform/clock.js';
import { folderDestination, keyPath } from '../keys/file-names.js';
import { maxHashedBytes, sha256File, smallFileBytes } from './hash.js';
import { createLimiter } from '../platform/limiter.js';
import { decide } from './reconcile.js';
import type { ScannedFile, ScanProblem } from './scanner.js';
import { isGone } from './scanner.js';
import { SmallHasher } from './small-hasher.js';
import { createStabilityTracker, sameObservation, type Observation } from './stability.js';
import type { FileRecord, FolderStore, UploadedVersion } from './store.js';

/** The part of the transfer queue that folder sync uses. */
export interface FolderQueueItem {
  path: string;
  /** Key relative to the user's prefix; the queue prepends uploads/<identityId>/. */
  destination: string;
  origin: { kind: 'folder'; folderId: string };
  /** The inode the scan found: the queue reads no other file at this path. */
  ino?: string;
}

export interface FolderQueue {
  add(items: FolderQueueItem[]): string[];
  cancel(id: string): unknown;
  /** The journal's state of a transfer, undefined once it left the queue. */
  stateOf(id: string): TransferState | undefined;
  unfinishedOfFolder(folderId: string): string[];
}

/** What the pipeline needs to know about the folder a file belongs to. */
export interface FolderHandle {
  readonly id: string;
  readonly root: string;
  readonly label: string;
  /** False once paused or removed: pending work for it is dropped. */
  active(): boolean;
  report(problem: ScanProblem): void;
  clearProblem(relative: string): void;
}

interface Item {
  folder: FolderHandle;
  file: ScannedFile;
  key: string;
  destination: string;
  stored: FileRecord | undefined;
}

export interface PipelineOptions {
  store: FolderStore;
  queue: FolderQueue;
  clock: Clock;
  log: Logger;
  stabilityWindowMs: () => number;
  /** The version the queue actually uploaded for a finished transfer (from the journal). */
  uploadedVersion: (transferId: string) => UploadedVersion | undefined;
  enqueueBatch?: number;
  enqueueDelayMs?: number;
  /** Files between "stable" and "queued" at most before a scan waits (bounds a big scan's memory). */
  maxInflight?: number;
}

export type Pipeline = ReturnType<typeof createPipeline>;

export function createPipeline(options: PipelineOptions) {
  const { store, queue, clock, log } = options;
  const inflight = new Set<string>();
  // Small files are read whole on a thread of their own (small-hasher.ts); big ones are streamed, two at a time.
  const hashLimit = createLimiter(2);
  const smallHasher = new SmallHasher();
  // Measured at 100,000 files (test/bench/folder-memory.ts): with 2,048 in flight and batches of 500 the
  // scan's short-lived objects lived long enough to be promoted, and the idle engine kept ~60 MiB more
  // heap; 512 and 128 reconcile as fast (a batch is queued long before the scan waits for room).
  const maxInflight = options.maxInflight ?? 512;
  let roomWaiters: Array<() => void> = [];
  /** Done with `key` (queued, dropped or failed): wakes a scan waiting for room. */
  const release = (key: string) => {
    inflight.delete(key);
    if (roomWaiters.length > 0 && inflight.size < maxInflight / 2) {
      const waiters = roomWaiters;
      roomWaiters = [];
      for (const wake of waiters) wake();
    }
  };
  let batch: Array<Item & { version: Observation; hash: string | null }> = [];
  let batchTimer: unknown;
  let stopped = false;

  // Asked of the queue (its index, or the journal) rather than mirrored here: 100,000 queued files
  // would otherwise be held twice.
  const stateOf = (transferId: string | null | undefined) => (transferId ? queue.stateOf(transferId) : undefined);

  const flush = () => {
    if (batchTimer !== undefined) clock.clearTimeout(batchTimer);
    batchTimer = undefined;
    const items = batch.filter((i) => i.folder.active());
    for (const i of batch) release(i.key);
    batch = [];
    if (items.length === 0 || stopped) return;
    let ids: string[];
    try {
      ids = queue.add(
        items.map((i) => ({
          path: i.file.absolute,
          destination: i.destination,
          origin: { kind: 'folder' as const, folderId: i.folder.id },
          ino: i.file.ino,
        })),
      );
    } catch (error) {
      // Not recorded, so the next scan offers them again.
      log.error('folder sync: could not queue files', { count: items.length, error: String(error) });
      return;
    }
    const rows: FileRecord[] = items.map((i, n) => ({
      folderId: i.folder.id,
      relPath: keyPath(i.file.relative),
      size: i.version.size,
      mtimeMs: i.version.mtimeMs,
      ctimeMs: i.version.ctimeMs,
      ino: i.file.ino,
      hash: i.hash,
      state: 'queued',
      transferId: ids[n] ?? null,
    }));
    store.putFiles(rows);
  };

  const enqueue = (item: Item, version: Observation, hash: string | null) => {
    batch.push({ ...item, version, hash });
    if (batch.length >= (options.enqueueBatch ?? 128)) flush();
    else if (batchTimer === undefined) batchTimer = clock.setTimeout(flush, options.enqueueDelayMs ?? 50);
  };

  const stat = async (absolute: string): Promise<Observation | undefined> => {
    const s = await lstat(absolute);
    return s.isFile() ? { size: s.size, mtimeMs: s.mtimeMs, ctimeMs: s.ctimeMs } : undefined;
  };

  /** A stable file: compare hashes or check it can be read, then hand it to the queue. */
  const onStable = async (item: Item, observation: Observation) => {
    // In flight from now until queued (or dropped): a second look meanwhile must not queue it twice.
    inflight.add(item.key);
    const { folder, file } = item;
    if (!folder.active() || stopped) return void release(item.key);
    try {
      let hash: string | null = null;
      const decision = decide(item.stored, observation, stateOf(item.stored?.transferId));
      if (decision === 'compare-hash' || observation.size <= maxHashedBytes) {
        let after: Observation | undefined;
        if (observation.size <= smallFileBytes) ({ hash, after } = await smallHasher.hash(file.absolute, file.ino));
        else {
          hash = await hashLimit(() => sha256File(file.absolute, { ino: file.ino }));
          after = await stat(file.absolute);
        }
        // Changed while we read it: the window starts over.
        if (!after) return void release(item.key);
        if (!sameObservation(after, observation)) {
          release(item.key);
          return consider(folder, { ...file, ...after }, true);
        }
        if (decision === 'compare-hash' && hash === item.stored?.hash) {
          // Same content, new times (touched, restored): remember them, send nothing.
          store.touchFile(folder.id, keyPath(file.relative), observation, file.ino);
          folder.clearProblem(file.relative);
          return void release(item.key);
        }
      } else {
        // Not hashed (big file): at least make sure it can be read before queueing it.
        await access(file.absolute, constants.R_OK);
      }
      folder.clearProblem(file.relative);
      enqueue(item, observation, hash);
    } catch (error) {
      release(item.key);
      if (isGone(error)) return;
      // Reported on the folder and retried on the next scan. A link or another file swapped in since the
      // scan was refused before a byte was read (platform/safe-open.ts).
      const kind = error instanceof UnsafeFileError && error.reason === 'link' ? 'link' : 'unreadable';
      folder.report({ relative: file.relative, kind, message: describeFsError(error) });
    }
  };

  const tracker = createStabilityTracker<Item>({
    windowMs: options.stabilityWindowMs,
    clock,
    restat: (item) => stat(item.file.absolute),
    onStable: (_key, item, observation) => void onStable(item, observation),
  });

  /**
   * A regular file seen by a scan or an event. `fresh` = it came from a change event, so the stability
   * window is always waited out.
   */
  async function consider(folder: FolderHandle, file: ScannedFile, fresh: boolean): Promise<void> {
    if (stopped || !folder.active()) return;
    const relPath = keyPath(file.relative);
    const key = `${folder.id}\0${relPath}`;
    if (inflight.has(key)) return;
    const target = folderDestination(folder.label, file.relative);
    if (!target.ok) return folder.report({ relative: file.relative, kind: 'invalid-name', message: target.reason });
    if (relPath !== file.relative && (await otherFileAt(path.join(folder.root, ...relPath.split('/')), file.ino))) {
      // Two names that differ only in Unicode normalization would share one key: never let one replace the other.
      return folder.report({
        relative: file.relative,
        kind: 'invalid-name',
        message: 'Another file has the same name once Unicode is normalized (NFC); this one is not uploaded.',
      });
    }
    const stored = store.file(folder.id, relPath);
    const decision = decide(stored, file, stateOf(stored?.transferId));
    if (decision === 'skip' || decision === 'in-queue') {
      tracker.forget(key);
      folder.clearProblem(file.relative);
      return;
    }
    tracker.observe(key, { folder, file, key, destination: target.destination, stored }, file, fresh);
  }

  return {
    consider,
    /** Records the folder transfers that just finished; returns them. */
    transfersChanged(transfers: Transfer[]): Transfer[] {
      const finished: Transfer[] = [];
      for (const t of transfers) {
        if (t.origin.kind !== 'folder') continue;
        if (t.state !== 'done' && t.state !== 'failed' && t.state !== 'cancelled') continue;
        const row = store.fileByTransfer(t.id);
        if (!row || row.state !== 'queued') continue;
        if (t.state === 'done') store.finishTransfer(t.id, 'uploaded', options.uploadedVersion(t.id));
        else store.finishTransfer(t.id, t.state === 'failed' ? 'failed' : 'cancelled');
        finished.push(t);
      }
      return finished;
    },
    /**
     * Transfers that left the queue (the user cancelled them, or cleared history). A queued file whose
     * transfer was cancelled keeps that version as "cancelled": it goes again only once it changes.
     */
    transfersRemoved(ids: string[]): void {
      for (const id of ids) {
        const row = store.fileByTransfer(id);
        if (row?.state === 'queued') store.finishTransfer(id, 'cancelled');
      }
    },
    /** Start-up: queued rows whose transfer finished while nobody listened. */
    reconcileQueued(folderId: string): void {
      for (const row of store.queuedFiles(folderId)) {
        if (row.transferId && stateOf(row.transferId) === 'done')
          store.finishTransfer(row.transferId, 'uploaded', options.uploadedVersion(row.transferId));
      }
    },
    forgetFolder(folderId: string): void {
      tracker.forgetPrefix(`${folderId}\0`);
      for (const key of inflight) if (key.startsWith(`${folderId}\0`)) release(key);
    },
    /**
     * Resolves once fewer files are on their way to the queue than the bound: a scan awaits it after
     * every file, so that 100,000 found files never wait in memory all at once.
     */
    async room(): Promise<void> {
      while (inflight.size >= maxInflight && !stopped) await new Promise<void>((resolve) => roomWaiters.push(resolve));
    },
    /** Nothing waiting for stability, being hashed or waiting to be queued. */
    idle: () => tracker.pending() === 0 && inflight.size === 0 && batch.length === 0,
    flush,
    stop(): void {
      stopped = true;
      tracker.stop();
      void smallHasher.stop();
      if (batchTimer !== undefined) clock.clearTimeout(batchTimer);
      batch = [];
      inflight.clear();
      for (const wake of roomWaiters.splice(0)) wake();
    },
  };
}

/** Whether `absolute` names a file other than inode `ino` (on normalization-insensitive disks it is the same file). */
async function otherFileAt(absolute: string, ino: string): Promise<boolean> {
  try {
    return String((await lstat(absolute)).ino) !== ino;
  } catch {
    return false;
  }
}
