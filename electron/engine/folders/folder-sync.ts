// Folder sync as one service: the set of watched folders (add, pause, resume, remove, list), the
// shared pipeline into the transfer queue, and the `folders` event. createEngine builds one with
// createFolderSync and calls start()/stop() with the engine.
import { randomUUID } from 'node:crypto';
import { access, constants, lstat, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Folder, Settings, Transfer } from '../../common/contract.js';
import { dataFolderReason, describeFsError } from '../intake/expand-paths.js';
import { silentLogger, type Logger } from '../platform/log.js';
import { contains } from '../intake/path-contains.js';
import type { StateDb } from '../state/db.js';
import { createJournal } from '../transfers/journal.js';
import { systemClock, type Clock } from '../platform/clock.js';
import { WatchedFolder } from './folder.js';
import { createIgnoreRules, type IgnoreRules } from './ignore-rules.js';
import { checkLabel, defaultLabel, uniqueLabel } from './labels.js';
import { createPipeline, type FolderQueue } from './pipeline.js';
import type { ScanProblem } from './scanner.js';
import { createFolderStore, type UploadedVersion } from './store.js';
import { defaultWatcherFactory, type WatcherFactory } from './watcher.js';

export interface FolderSyncDeps {
  db: StateDb;
  /** The transfer queue (only add, cancel and list are used). */
  queue: FolderQueue;
  /** Subscribe to `transfers.changed`; returns the unsubscribe function. */
  onTransferChanged: (listener: (transfers: Transfer[]) => void) => () => void;
  /** Subscribe to `transfers.removed` (cancelled and forgotten, history cleared). */
  onTransfersRemoved?: (listener: (ids: string[]) => void) => () => void;
  settings: () => Settings;
  emit: (event: 'folders', payload: { folders: Folder[] }) => void;
  log?: Logger;
  clock?: Clock;
  /** Refused as a watched folder (with everything inside it or containing it); defaults to the state DB's folder. */
  dataDir?: string;
  watcherFactory?: WatcherFactory;
  /** Full rescans of every folder; hourly by default. */
  rescanIntervalMs?: number;
  /** How often a folder's root is looked at (vanished / back); 10 s by default. */
  rootPollMs?: number;
  /** The `folders` event is published at most this often. */
  emitThrottleMs?: number;
  /** The version of a finished transfer the queue read; defaults to the journal's record. */
  uploadedVersion?: (transferId: string) => UploadedVersion | undefined;
}

export interface FolderSync {
  /**
   * Watches the stored folders. Once `signal` aborts (the engine is stopping) no folder is added or
   * rescanned; stop() takes the watchers down. Tests that drive folder sync alone may leave it out.
   */
  start(signal?: AbortSignal): Promise<void>;
  stop(): Promise<void>;
  add(path: string, label?: string): Promise<Folder>;
  pause(id: string): Promise<void>;
  resume(id: string): Promise<void>;
  /** Stops watching and cancels the folder's unfinished transfers; never deletes anything remote. */
  remove(id: string): Promise<void>;
  list(): Folder[];
  /** Scans every folder now (after wake from sleep, or on demand); resolves when the scans end. */
  rescanAll(): Promise<void>;
  /** Call when settings change: new ignore patterns take effect with a rescan. */
  settingsChanged(): void;
  /** Every item of a folder that is not uploaded, with the reason (the Folder message names a few). */
  problems(id: string): ScanProblem[];
  /** True when no scan runs and no file waits for stability or for the queue. */
  idle(): boolean;
}

export function createFolderSync(deps: FolderSyncDeps): FolderSync {
  const log = deps.log ?? silentLogger;
  const clock = deps.clock ?? systemClock;
  const store = createFolderStore(deps.db, () => clock.now());
  const journal = createJournal(deps.db);
  const folders = new Map<string, WatchedFolder>();
  const dataDir = deps.dataDir ?? (deps.db.path === ':memory:' ? undefined : path.dirname(path.resolve(deps.db.path)));
  let rulesKey = '';
  let rules: IgnoreRules = createIgnoreRules();
  let unsubscribe: Array<() => void> = [];
  let emitTimer: unknown;
  let started = false;
  /** The engine is stopping: no new folder, no new scan. */
  let closing = false;

  const ignoreRules = () => {
    const patterns = deps.settings().ignorePatterns;
    const key = JSON.stringify(patterns);
    if (key !== rulesKey) {
      rules = createIgnoreRules(patterns);
      rulesKey = key;
    }
    return rules;
  };

  const emitNow = () => {
    emitTimer = undefined;
    deps.emit('folders', { folders: list() });
  };
  // Throttled: a scan of 100,000 files updates filesSeen often; the UI needs a few updates a second.
  const changed = () => {
    if (emitTimer === undefined && started) emitTimer = clock.setTimeout(emitNow, deps.emitThrottleMs ?? 250);
  };

  const pipeline = createPipeline({
    store,
    queue: deps.queue,
    clock,
    log,
    stabilityWindowMs: () => deps.settings().stabilityWindowMs,
    uploadedVersion:
      deps.uploadedVersion ??
      ((id) => {
        const version = journal.get(id)?.version;
        return version && { size: version.size, mtimeMs: version.mtimeMs, ctimeMs: version.ctimeMs };
      }),
  });

  const context = {
    pipeline,
    clock,
    log,
    watcherFactory: deps.watcherFactory ?? defaultWatcherFactory(),
    ignoreRules,
    changed,
    rescanIntervalMs: deps.rescanIntervalMs ?? 60 * 60 * 1000,
    rootPollMs: deps.rootPollMs ?? 10_000,
  };

  const list = (): Folder[] => [...folders.values()].map((f) => f.view());
  const get = (id: string): WatchedFolder => {
    const folder = folders.get(id);
    if (!folder) throw new Error('No such folder.');
    return folder;
  };

  const onTransfers = (transfers: Transfer[]) => {
    for (const t of pipeline.transfersChanged(transfers)) {
      if (t.origin.kind !== 'folder') continue;
      // Changed after the queue's last look at it? Then that newer version goes too. Refused because another
      // file took its place (an editor saving by rename does that too): the new file is looked at afresh,
      // with the scan's checks, and queued as a transfer of its own.
      const refused = t.state === 'failed' && (t.error?.code === 'file_replaced' || t.error?.code === 'not_a_file');
      if (t.state !== 'done' && !refused) continue;
      const folder = folders.get(t.origin.folderId);
      const relative = folder && path.relative(folder.root, t.sourcePath).split(path.sep).join('/');
      if (!folder || !relative || relative.startsWith('..')) continue;
      // A link, pipe or device swapped in after the scan is reported on the folder (and never read).
      if (refused) folder.report({ relative, kind: 'unreadable', message: t.error!.message });
      void recheck(folder, relative, t.sourcePath);
    }
  };

  const recheck = async (folder: WatchedFolder, relative: string, absolute: string) => {
    try {
      // Not followed: a link there now is the scan's to report. And the path must still lead to a file
      // inside the folder (a folder on the way may have been swapped for a link).
      const s = await lstat(absolute);
      if (s.isFile() && contains(folder.root, await realpath(absolute)))
        await pipeline.consider(
          folder,
          { relative, absolute, size: s.size, mtimeMs: s.mtimeMs, ctimeMs: s.ctimeMs, ino: String(s.ino) },
          false,
        );
    } catch {
      // gone: nothing to do (deletions are not mirrored)
    }
  };

  /** The checks a new folder must pass, with a message the user can act on. */
  const validate = async (input: string): Promise<string> => {
    const checked = await checkFolder(input, dataDir);
    if ('reason' in checked) throw new Error(`${input === '' ? "''" : input}: ${checked.reason}`);
    const real = checked.real;
    for (const other of folders.values()) {
      if (other.root === real) throw new Error(`${input} is already watched (as "${other.label}").`);
      if (contains(other.root, real)) throw new Error(`${input} is inside the watched folder "${other.label}".`);
      if (contains(real, other.root))
        throw new Error(`${input} contains the watched folder "${other.label}"; remove that one first.`);
    }
    return real;
  };

  const list_ = list;
  return {
    async start(signal) {
      if (started) return;
      started = true;
      closing = false;
      signal?.addEventListener('abort', () => (closing = true), { once: true });
      unsubscribe = [
        deps.onTransferChanged(onTransfers),
        ...(deps.onTransfersRemoved ? [deps.onTransfersRemoved((ids) => pipeline.transfersRemoved(ids))] : []),
      ];
      for (const row of store.folders()) {
        pipeline.reconcileQueued(row.id);
        folders.set(row.id, new WatchedFolder(row, context));
      }
      await Promise.all([...folders.values()].map((f) => f.start()));
      changed();
    },
    async stop() {
      if (!started) return;
      started = false;
      for (const off of unsubscribe) off();
      unsubscribe = [];
      clock.clearTimeout(emitTimer);
      emitTimer = undefined;
      await Promise.all([...folders.values()].map((f) => f.stop()));
      // Files not yet queued have no row: the next start finds them again.
      pipeline.stop();
    },
    async add(input, label) {
      if (!started || closing) throw new Error('Folder sync is not running.');
      const real = await validate(input);
      let wanted = label?.normalize('NFC') ?? defaultLabel(real);
      const problem = checkLabel(wanted);
      if (problem) throw new Error(problem);
      wanted = uniqueLabel(
        wanted,
        [...folders.values()].map((f) => f.label),
      );
      const row = store.addFolder({ id: randomUUID(), path: real, label: wanted });
      const folder = new WatchedFolder(row, context);
      folders.set(row.id, folder);
      await folder.start();
      changed();
      return folder.view();
    },
    async pause(id) {
      const folder = get(id);
      store.setPaused(id, true);
      await folder.pause();
    },
    async resume(id) {
      const folder = get(id);
      store.setPaused(id, false);
      await folder.resume();
    },
    async remove(id) {
      const folder = get(id);
      folders.delete(id);
      await folder.stop();
      pipeline.forgetFolder(id);
      // Unfinished uploads from this folder stop; finished ones stay in the bucket (nothing remote is deleted).
      for (const transferId of deps.queue.unfinishedOfFolder(id)) {
        try {
          await deps.queue.cancel(transferId);
        } catch (error) {
          log.warn('folder sync: could not cancel a transfer', { id: transferId, error: String(error) });
        }
      }
      store.removeFolder(id);
      changed();
    },
    list: list_,
    async rescanAll() {
      if (closing) return;
      await Promise.all([...folders.values()].map((f) => f.rescan()));
    },
    settingsChanged() {
      const before = rulesKey;
      ignoreRules();
      // New ignore rules: files they no longer ignore are found by a rescan (nothing uploaded is undone).
      if (before !== rulesKey) void Promise.all([...folders.values()].map((f) => f.restartWatching()));
    },
    problems: (id) => get(id).problemList(),
    idle: () => pipeline.idle() && [...folders.values()].every((f) => !f.scanning()),
  };
}

/** Folders whose "files" are the kernel's live views (endless, changing, some huge): never watched. */
const systemFolders = process.platform === 'linux' ? ['/proc', '/sys', '/dev'] : [];

/**
 * Whether a path can be a watched folder, on its own (overlap with other watched folders is the
 * caller's): its real path, or why not in words (without the path, which the caller shows next to it).
 */
export async function checkFolder(
  input: string,
  dataDir: string | undefined,
): Promise<{ real: string } | { reason: string }> {
  // path.resolve('') is the current folder: an empty argument must never watch it.
  if (input === '') return { reason: 'The path is empty.' };
  if (input.includes('\0')) return { reason: 'The path contains a NUL byte, which no file name can contain.' };
  let real: string;
  try {
    real = await realpath(path.resolve(input));
    const stats = await stat(real);
    if (!stats.isDirectory())
      return {
        reason: stats.isFile()
          ? 'This is a file, not a folder: give the folder that holds it.'
          : 'This is not a folder.',
      };
    // Refused now rather than added and shown as an error: the owner can fix it and try again.
    await access(real, constants.R_OK | constants.X_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return {
      reason: code === 'ENOENT' ? 'The folder does not exist (or its disk is not connected).' : describeFsError(error),
    };
  }
  const system = systemFolders.find((root) => contains(root, real));
  if (system)
    return {
      reason: `This is a system folder (${system}): its entries are the system's live state, not files to upload. Choose a folder of your own.`,
    };
  if (dataDir) {
    const data = await realpath(dataDir).catch(() => path.resolve(dataDir));
    if (real === data) return { reason: `${dataFolderReason} Choose another folder.` };
    if (contains(data, real))
      return { reason: 'This is inside Hoist’s own data folder, which is never uploaded. Choose another folder.' };
    if (contains(real, data)) {
      return {
        reason:
          `This folder contains Hoist’s own data folder (${data}), which changes all the time and is never uploaded: ` +
          'watch the folders inside it instead, or keep Hoist’s state in another folder (hoist --data DIR).',
      };
    }
  }
  return { real };
}
