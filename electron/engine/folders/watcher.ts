// Change notifications for one watched folder, behind a small interface with two backends:
//
// @parcel/watcher (the default where its native module loads): one inotify watch per directory on
// Linux, FSEvents on macOS, ReadDirectoryChangesW on Windows, with its view of the tree kept in native
// memory. With 100,000 files in 1,000 folders the engine idles at 166 MiB with it and at 871 MiB with
// chokidar (npm run bench), which keeps an fs.watch handle, listeners and a name set per file and folder.
//
// chokidar (the fallback, also chosen with HOIST_WATCHER=chokidar): used when @parcel/watcher cannot be
// loaded (no prebuilt binary for the platform) or cannot watch the folder.
//
// chokidar: native fs.watch / FSEvents (never polling), ignoreInitial (the scanner does the first
// pass), links not followed, `atomic` so editors' save-by-rename shows up as one change. We do not
// rely on awaitWriteFinish: stability is the StabilityTracker's job, the same for scans and events.
import type ParcelWatcher from '@parcel/watcher';
import { watch } from 'chokidar';
import { lstat } from 'node:fs/promises';
import path from 'node:path';

export type WatchEventType = 'add' | 'change' | 'unlink' | 'addDir' | 'unlinkDir';

export interface WatcherHandlers {
  /** `relative` uses "/" separators; "" is the watched folder itself. */
  event(type: WatchEventType, relative: string): void;
  error(error: NodeJS.ErrnoException): void;
  /** Events may have been lost (the kernel's queue overflowed): look at the whole folder again. */
  overflow?(): void;
}

export interface Watcher {
  /** Which backend watches ("parcel", "chokidar"; known once start() resolved). */
  readonly backend: string;
  /** Why the preferred backend was not used, when it was not. */
  readonly fallbackReason?: string | undefined;
  /** Resolves once the watcher is in place (chokidar's "ready"). */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface WatcherOptions {
  /** Whether a path is ignored; `isDirectory` is undefined when not known yet. */
  ignored: (relative: string, isDirectory: boolean | undefined) => boolean;
}

export type WatcherFactory = (root: string, options: WatcherOptions, handlers: WatcherHandlers) => Watcher;

export const createChokidarWatcher: WatcherFactory = (root, options, handlers) => {
  const toRelative = (absolute: string) => path.relative(root, absolute).split(path.sep).join('/');
  let instance: ReturnType<typeof watch> | undefined;
  return {
    backend: 'chokidar',
    start() {
      instance = watch(root, {
        persistent: true,
        ignoreInitial: true,
        followSymlinks: false,
        usePolling: false,
        atomic: true,
        awaitWriteFinish: false,
        alwaysStat: false,
        ignorePermissionErrors: true,
        ignored: (absolute, stats) => {
          const relative = toRelative(absolute);
          if (relative === '' || relative.startsWith('..')) return false;
          return options.ignored(relative, stats ? stats.isDirectory() : undefined);
        },
      });
      const w = instance;
      for (const type of ['add', 'change', 'unlink', 'addDir', 'unlinkDir'] as const) {
        w.on(type, (absolute: string) => handlers.event(type, toRelative(absolute)));
      }
      w.on('error', (error) => handlers.error(error as NodeJS.ErrnoException));
      return new Promise<void>((resolve) => w.once('ready', () => resolve()));
    },
    async stop() {
      await instance?.close();
      instance = undefined;
    },
  };
};

type ParcelModule = typeof ParcelWatcher;
let parcelModule: Promise<ParcelModule> | undefined;
/** Loads the native module once; rejects where it has no binary for this platform. */
const loadParcel = (): Promise<ParcelModule> =>
  (parcelModule ??= import('@parcel/watcher').then(
    (m) => ((m as { default?: ParcelModule }).default ?? m) as ParcelModule,
  ));

/** @parcel/watcher only; start() rejects when it cannot be loaded or cannot watch `root`. */
export const createParcelWatcher: WatcherFactory = (root, options, handlers) => {
  let subscription: { unsubscribe(): Promise<void> } | undefined;
  let closed = false;
  const toRelative = (absolute: string) => path.relative(root, absolute).split(path.sep).join('/');
  const onEvent = async (type: 'create' | 'update' | 'delete', absolute: string) => {
    const relative = toRelative(absolute);
    if (relative.startsWith('..') || path.isAbsolute(relative)) return;
    if (type === 'delete') return handlers.event(relative === '' ? 'unlinkDir' : 'unlink', relative);
    if (relative === '') return;
    // @parcel/watcher does not say whether a path is a folder: a folder that appears needs a scan of
    // everything below it (moved or copied in), a file only a look at itself.
    let isDirectory: boolean;
    try {
      const s = await lstat(absolute);
      if (s.isSymbolicLink()) return;
      isDirectory = s.isDirectory();
    } catch {
      return; // gone again: deletions are not mirrored
    }
    if (closed || options.ignored(relative, isDirectory)) return;
    if (isDirectory) {
      if (type === 'create') handlers.event('addDir', relative);
    } else handlers.event(type === 'create' ? 'add' : 'change', relative);
  };
  return {
    backend: 'parcel',
    async start() {
      const parcel = await loadParcel();
      subscription = await parcel.subscribe(root, (error, events) => {
        if (closed) return;
        if (error) {
          const message = String(error.message);
          // The kernel dropped events: the only safe answer is a full look.
          if (/overflow/i.test(message)) return handlers.overflow?.();
          const code = /ENOSPC|no space left|max_user_watches/i.test(message)
            ? 'ENOSPC'
            : /EMFILE|too many open files/i.test(message)
              ? 'EMFILE'
              : undefined;
          return handlers.error(Object.assign(error, code ? { code } : {}) as NodeJS.ErrnoException);
        }
        for (const e of events) void onEvent(e.type, e.path);
      });
    },
    async stop() {
      closed = true;
      const s = subscription;
      subscription = undefined;
      await s?.unsubscribe();
    },
  };
};

/**
 * @parcel/watcher when it loads and can watch the folder, else chokidar; `backend` says which one
 * ended up watching (folder sync logs it).
 */
export const createPreferredWatcher: WatcherFactory = (root, options, handlers) => {
  let current: Watcher = createParcelWatcher(root, options, handlers);
  let reason: string | undefined;
  return {
    get backend() {
      return current.backend;
    },
    get fallbackReason() {
      return reason;
    },
    async start() {
      try {
        await current.start();
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        // A folder that is gone is the caller's business, whatever the backend.
        if (code === 'ENOENT' || code === 'ENOTDIR') throw error;
        await current.stop().catch(() => {});
        current = createChokidarWatcher(root, options, handlers);
        reason = error instanceof Error ? error.message : String(error);
        await current.start();
      }
    },
    stop: () => current.stop(),
  };
};

/** The watcher backends this build has, by name. */
export const watcherBackends = { parcel: createParcelWatcher, chokidar: createChokidarWatcher } as const;

/** @parcel/watcher with chokidar as the fallback, unless HOIST_WATCHER names one backend ("parcel", "chokidar"). */
export function defaultWatcherFactory(env: NodeJS.ProcessEnv = process.env): WatcherFactory {
  const wanted = env.HOIST_WATCHER as keyof typeof watcherBackends | undefined;
  return (wanted && watcherBackends[wanted]) || createPreferredWatcher;
}
