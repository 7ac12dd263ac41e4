// Change notifications for one watched folder, behind a small interface so another backend
// (@parcel/watcher, for very large trees) can stand in for chokidar without touching the rest.
//
// chokidar: native fs.watch / FSEvents (never polling), ignoreInitial (the scanner does the first
// pass), links not followed, `atomic` so editors' save-by-rename shows up as one change. We do not
// rely on awaitWriteFinish: stability is the StabilityTracker's job, the same for scans and events.
import { watch } from 'chokidar';
import path from 'node:path';

export type WatchEventType = 'add' | 'change' | 'unlink' | 'addDir' | 'unlinkDir';

export interface WatcherHandlers {
  /** `relative` uses "/" separators; "" is the watched folder itself. */
  event(type: WatchEventType, relative: string): void;
  error(error: NodeJS.ErrnoException): void;
}

export interface Watcher {
  /** Resolves once the watcher is in place (chokidar's "ready"). */
  start(): Promise<void>;
  close(): Promise<void>;
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
    async close() {
      await instance?.close();
      instance = undefined;
    },
  };
};
