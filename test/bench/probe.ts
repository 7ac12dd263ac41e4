// The engine in a process of its own, for the engine-only figures that need its events (which the CLI
// does not print): time to reconcile a big folder, watched-folder latency, progress events per second.
// The parent (test/bench/run.ts) reads this process's RSS and CPU from /proc. Configured by the
// BENCH_PROBE environment variable (JSON, ProbeConfig); reports over IPC (ProbeMessage).
import { MemorySecretStore } from '../../electron/engine/auth/secret-store.js';
import type { Settings } from '../../electron/common/contract.js';
import { createEngine } from '../../electron/engine/index.js';
import { createLogger } from '../../electron/engine/platform/log.js';

export interface ProbeConfig {
  /** idle: a bare engine, signed in with uploads paused and no folder (the baseline for the folder's RSS). */
  mode: 'idle' | 'folder' | 'watch' | 'events';
  dataDir: string;
  brokerUrl: string;
  username: string;
  password: string;
  settings: Partial<Settings>;
  dir: string;
  /** folder: files expected; events: seconds to count for. */
  count: number;
}

export type ProbeMessage =
  | { type: 'reconciled'; ms: number; transfers: number; watcher: string }
  | { type: 'ready' }
  | { type: 'watching' }
  | { type: 'events'; queued: number; seconds: number; events: number; transfersInEvents: number }
  | { type: 'error'; message: string };

const config = JSON.parse(process.env.BENCH_PROBE ?? '{}') as ProbeConfig;
const send = (message: ProbeMessage): void => {
  process.send?.(message);
};

let watcherBackend = 'unknown';
const engine = await createEngine({
  dataDir: config.dataDir,
  brokerUrl: config.brokerUrl,
  secrets: { store: new MemorySecretStore() },
  // Errors to stderr; the info line saying which watcher backend ended up watching is kept for the report.
  log: createLogger({
    level: 'info',
    sink: (line) => {
      const entry = JSON.parse(line) as { level: string; message: string; watcher?: string };
      if (entry.message === 'folder sync: watching' && entry.watcher) watcherBackend = entry.watcher;
      if (entry.level === 'error') process.stderr.write(`${line}\n`);
    },
  }),
});
process.on('SIGTERM', () => {
  void engine.stop().finally(() => process.exit(0));
});
// Live until the parent stops it (as the app lives until quit), even when nothing else is pending: a bare
// engine with uploads paused has no timer or watcher of its own.
setInterval(() => {}, 1 << 30);

try {
  await engine['settings.update'](config.settings);
  const session = await engine['session.signIn']({ username: config.username, password: config.password });
  if (session.state !== 'signed-in') throw new Error(`sign-in ended in state ${session.state}`);

  if (config.mode === 'idle') {
    // Everything the folder probe does before it adds the folder, and nothing more.
    await engine['transfers.pauseAll']({});
    send({ type: 'ready' });
  } else if (config.mode === 'folder') {
    // Nothing uploads: the figure is the scan and the queueing of every file, then the idle engine.
    await engine['transfers.pauseAll']({});
    const start = performance.now();
    await engine['folders.add']({ path: config.dir });
    for (;;) {
      // Counts only: listing every transfer would build a view of each of them in the process measured.
      const folders = await engine['folders.list']({});
      if (folders.every((f) => f.state === 'watching' && f.filesSeen >= config.count)) {
        const { all } = await engine['transfers.totals']({});
        if (all >= config.count) {
          send({ type: 'reconciled', ms: performance.now() - start, transfers: all, watcher: watcherBackend });
          break;
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } else if (config.mode === 'watch') {
    await engine['folders.add']({ path: config.dir });
    for (;;) {
      const folders = await engine['folders.list']({});
      if (folders.every((f) => f.state === 'watching')) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    send({ type: 'watching' });
  } else {
    let events = 0;
    let transfersInEvents = 0;
    let counting = false;
    engine.events.on('transfers.changed', ({ transfers }) => {
      if (!counting) return;
      events++;
      transfersInEvents += transfers.length;
    });
    await engine['transfers.add']({ paths: [config.dir] });
    // Unfinished transfers (the list's "active" filter), counted rather than listed.
    const totals = await engine['transfers.totals']({});
    const queued = totals.all - totals.done - totals.failed;
    counting = true;
    const start = performance.now();
    await new Promise((resolve) => setTimeout(resolve, config.count * 1000));
    counting = false;
    send({ type: 'events', queued, seconds: (performance.now() - start) / 1000, events, transfersInEvents });
  }
} catch (error) {
  send({ type: 'error', message: error instanceof Error ? error.message : String(error) });
}
