// Folder sync memory and time-to-reconciled at 100,000 files, without the local cloud: the real state
// DB, the real transfer queue (no upload target and "pause all", so nothing uploads) and the real folder
// sync, in this process. Reports RSS / heapUsed once reconciled, after GC, and the heap split by
// constructor from a heap snapshot.
//
//   npx tsx test/bench/build.ts     (builds out/bench/folder-memory.js like the `hoist` bin: no tsx at run time)
//   node --expose-gc out/bench/folder-memory.js [--files 100000] [--watcher default|chokidar|parcel|none]
//        [--queue real|stub] [--snapshot] [--smaps] [--dir /tmp/hoist-folder-memory]
//
// (`node --expose-gc --import tsx test/bench/folder-memory.ts …` also works, but the tsx loader adds about
// 30 MiB of RSS of its own to every figure.)
//
// --queue stub replaces the transfer queue by a stand-in that only hands out ids (THIS SCRIPT ONLY: it
// separates the queue's share of the memory from folder sync's). --watcher none replaces the watcher
// by one that does nothing (the scan still runs), to see the watcher's own share. --smaps adds the
// resident memory by mapping (V8's heap is in [anon], malloc's main arena in [heap]).
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import type { Settings } from '../../electron/common/contract.js';
import { createEventBus } from '../../electron/engine/platform/event-bus.js';
import { createFolderSync, type FolderQueue } from '../../electron/engine/folders/index.js';
import {
  defaultWatcherFactory,
  watcherBackends,
  type Watcher,
  type WatcherFactory,
} from '../../electron/engine/folders/watcher.js';
import { createLogger } from '../../electron/engine/platform/log.js';
import { defaultSettings } from '../../electron/engine/state/settings.js';
import { openStateDb } from '../../electron/engine/state/db.js';
import { createTransferQueue } from '../../electron/engine/transfers/queue.js';

const args = process.argv.slice(2);
const opt = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : fallback;
};
const files = Number(opt('files', '100000'));
const watcherChoice = opt('watcher', 'default');
const queueChoice = opt('queue', 'real');
const snapshot = args.includes('--snapshot');
const smaps = args.includes('--smaps');
const treeDir = opt('dir', path.join(os.tmpdir(), `hoist-folder-memory-${files}`));
const MiB = 1024 * 1024;

const gc = (globalThis as { gc?: () => void }).gc;
const mem = () => {
  const m = process.memoryUsage();
  return {
    rssMiB: m.rss / MiB,
    heapTotalMiB: m.heapTotal / MiB,
    heapUsedMiB: m.heapUsed / MiB,
    externalMiB: m.external / MiB,
    arrayBuffersMiB: m.arrayBuffers / MiB,
  };
};
const show = (m: ReturnType<typeof mem>) =>
  `RSS ${m.rssMiB.toFixed(0)} MiB, heapTotal ${m.heapTotalMiB.toFixed(0)} MiB, heapUsed ${m.heapUsedMiB.toFixed(0)} MiB, external ${m.externalMiB.toFixed(1)} MiB`;

// 1,000 folders × 100 files of a few bytes (kept between runs: building it takes a while).
const perDir = 100;
const marker = path.join(treeDir, '.complete');
if (!existsSync(marker)) {
  rmSync(treeDir, { recursive: true, force: true });
  for (let d = 0; d < Math.ceil(files / perDir); d++) {
    const dir = path.join(treeDir, `dir-${String(d).padStart(4, '0')}`);
    mkdirSync(dir, { recursive: true });
    for (let f = 0; f < perDir && d * perDir + f < files; f++)
      writeFileSync(path.join(dir, `file-${String(f).padStart(3, '0')}.txt`), `${d}/${f}\n`);
  }
  // Old enough that the scan may treat every file as stable at once (as for a folder that sat there).
  writeFileSync(marker, '');
  await new Promise((resolve) => setTimeout(resolve, 2500));
}

const dataDir = path.join(os.tmpdir(), `hoist-folder-memory-data-${process.pid}`);
mkdirSync(dataDir, { recursive: true });
const db = openStateDb(path.join(dataDir, 'state.db'));
const settings: Settings = { ...defaultSettings, ignorePatterns: [...defaultSettings.ignorePatterns, '.complete'] };
const bus = createEventBus((error) => process.stderr.write(`listener failed: ${String(error)}\n`));
const log = createLogger({ level: 'warn', sink: (line) => process.stderr.write(`${line}\n`) });

let queue: FolderQueue & { stop?: () => Promise<void>; count: () => number };
if (queueChoice === 'stub') {
  let n = 0;
  queue = {
    add: (items) => items.map(() => (n++, randomUUID())),
    cancel: () => undefined,
    stateOf: () => 'queued',
    unfinishedOfFolder: () => [],
    count: () => n,
  };
} else {
  const real = createTransferQueue({
    db,
    settings: () => settings,
    emit: (event, payload) => bus.emit(event, payload as never),
  });
  real.start();
  await real.pauseAll();
  queue = {
    add: (items) => real.add(items),
    cancel: (id) => real.cancel(id),
    stateOf: (id) => real.stateOf(id),
    unfinishedOfFolder: (id) => real.unfinishedOfFolder(id),
    stop: () => real.stop(),
    count: () => 0,
  };
}

const noWatcher: WatcherFactory = () => ({ backend: 'none', start: async () => {}, stop: async () => {} });
const chosen: WatcherFactory =
  watcherChoice === 'none'
    ? noWatcher
    : watcherChoice === 'default'
      ? defaultWatcherFactory()
      : watcherBackends[watcherChoice as keyof typeof watcherBackends];
if (!chosen) throw new Error(`--watcher: expected default, parcel, chokidar or none, not ${watcherChoice}`);
let watcher: Watcher | undefined;
const factory: WatcherFactory = (root, options, handlers) => (watcher = chosen(root, options, handlers));

const sync = createFolderSync({
  db,
  queue,
  log,
  watcherFactory: factory,
  onTransferChanged: (listener) => bus.on('transfers.changed', (payload) => listener(payload.transfers)),
  onTransfersRemoved: (listener) => bus.on('transfers.removed', (payload) => listener(payload.ids)),
  settings: () => settings,
  emit: () => {},
});

gc?.();
const before = mem();
process.stderr.write(
  `folder-memory: ${files} files in ${treeDir}; watcher ${watcherChoice}, queue ${queueChoice}; before: ${show(before)}\n`,
);
await sync.start();
const start = performance.now();
const folder = await sync.add(treeDir);
let peakRss = 0;
for (;;) {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  const f = sync.list().find((x) => x.id === folder.id);
  if (f?.state === 'watching' && f.filesSeen >= files && sync.idle()) break;
  await new Promise((resolve) => setTimeout(resolve, 100));
}
const reconciledS = (performance.now() - start) / 1000;
const rows = db.sqlite.prepare('SELECT count(*) AS n FROM sync_files').get() as { n: number };
const queued = db.sqlite.prepare('SELECT count(*) AS n FROM transfers').get() as { n: number } | undefined;
const reconciled = mem();
await new Promise((resolve) => setTimeout(resolve, 2000));
gc?.();
gc?.();
const afterGc = mem();

const report = {
  files,
  watcher: watcherChoice,
  watcherBackend: watcher?.backend ?? '?',
  queue: queueChoice,
  reconciledS,
  syncFileRows: rows.n,
  transferRows: queueChoice === 'stub' ? queue.count() : (queued?.n ?? NaN),
  peakRssMiB: peakRss / MiB,
  reconciled,
  afterGc,
  before,
};
process.stderr.write(
  `folder-memory: watcher backend ${report.watcherBackend}; reconciled in ${reconciledS.toFixed(1)} s (${rows.n} sync_files rows, ${report.transferRows} transfers)\n` +
    `  once reconciled: ${show(reconciled)}\n  after GC:        ${show(afterGc)}\n  peak RSS ${report.peakRssMiB.toFixed(0)} MiB\n`,
);

if (smaps) {
  process.stderr.write('  resident by mapping:\n');
  for (const [name, kib] of residentByMapping().slice(0, 8))
    process.stderr.write(`    ${(kib / 1024).toFixed(1).padStart(7)} MiB ${name}\n`);
}
if (snapshot) {
  const file = v8.writeHeapSnapshot(path.join(dataDir, 'heap.heapsnapshot'));
  const top = summarise(file, 25);
  process.stderr.write(`  heap snapshot, self size by constructor (top 25):\n`);
  for (const t of top)
    process.stderr.write(
      `    ${(t.bytes / MiB).toFixed(1).padStart(7)} MiB ${String(t.count).padStart(8)} × ${t.name}  (held by ${t.heldBy})\n`,
    );
  Object.assign(report, { top });
}
process.stdout.write(`${JSON.stringify(report)}\n`);

await sync.stop();
await queue.stop?.();
db.close();
rmSync(dataDir, { recursive: true, force: true });
process.exit(0);

/** Rss of this process summed by mapping name (anonymous ones as [anon]), biggest first, in KiB. */
function residentByMapping(): Array<[string, number]> {
  const by = new Map<string, number>();
  let name = '[anon]';
  for (const line of readFileSync('/proc/self/smaps', 'utf8').split('\n')) {
    const mapping = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (mapping) name = mapping[1] || '[anon]';
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss) by.set(name, (by.get(name) ?? 0) + Number(rss[1]));
  }
  return [...by].sort((a, b) => b[1] - a[1]);
}

/** Self size summed by (node type, constructor name) from a .heapsnapshot file, with what holds the biggest groups. */
function summarise(file: string, n: number): Array<{ name: string; count: number; bytes: number; heldBy: string }> {
  // Read as bytes: a snapshot of a big heap is longer than the longest string V8 can make.
  const buf = readFileSync(file);
  const at = (marker: string) => {
    const i = buf.indexOf(marker);
    if (i < 0) throw new Error(`no ${marker} in the heap snapshot`);
    return i + marker.length;
  };
  const ints = (from: number): Uint32Array => {
    const out: number[] = [];
    let value = -1;
    for (let i = from; ; i++) {
      const c = buf[i]!;
      if (c >= 48 && c <= 57) value = (value < 0 ? 0 : value * 10) + (c - 48);
      else {
        if (value >= 0) out.push(value);
        value = -1;
        if (c === 93) break; // ]
      }
    }
    return Uint32Array.from(out);
  };
  const header = JSON.parse(`${buf.toString('utf8', 0, at('"nodes":') - '"nodes":'.length).replace(/,\s*$/, '')}}`) as {
    snapshot: {
      meta: {
        node_fields: string[];
        node_types: [string[], ...unknown[]];
        edge_fields: string[];
        edge_types: [string[], ...unknown[]];
      };
    };
  };
  const nodes = ints(at('"nodes":['));
  const edges = ints(at('"edges":['));
  const stringsFrom = at('"strings":[') - 1;
  const strings = JSON.parse(buf.toString('utf8', stringsFrom, buf.lastIndexOf(']') + 1)) as string[];
  const meta = header.snapshot.meta;
  const width = meta.node_fields.length;
  const typeAt = meta.node_fields.indexOf('type');
  const nameAt = meta.node_fields.indexOf('name');
  const sizeAt = meta.node_fields.indexOf('self_size');
  const edgeCountAt = meta.node_fields.indexOf('edge_count');
  const edgeWidth = meta.edge_fields.length;
  const edgeTypeAt = meta.edge_fields.indexOf('type');
  const toAt = meta.edge_fields.indexOf('to_node');
  const weak = meta.edge_types[0].indexOf('weak');
  const types = meta.node_types[0];
  const label = (i: number) => {
    const type = types[nodes[i + typeAt]!] ?? '?';
    const raw = strings[nodes[i + nameAt]!] ?? '?';
    return type === 'object' || type === 'closure' || type === 'native' ? `${type}:${raw.slice(0, 60)}` : `(${type})`;
  };
  const by = new Map<string, { count: number; bytes: number; holders: Map<string, number> }>();
  for (let i = 0; i < nodes.length; i += width) {
    const name = label(i);
    const e = by.get(name) ?? { count: 0, bytes: 0, holders: new Map() };
    e.count++;
    e.bytes += nodes[i + sizeAt]!;
    by.set(name, e);
  }
  // Who points at each group (first strong edge seen per child is enough for a rough split).
  let edge = 0;
  for (let i = 0; i < nodes.length; i += width) {
    const parent = label(i);
    const count = nodes[i + edgeCountAt]!;
    for (let k = 0; k < count; k++, edge += edgeWidth) {
      if (edges[edge + edgeTypeAt] === weak) continue;
      const child = label(edges[edge + toAt]!);
      const holders = by.get(child)!.holders;
      holders.set(parent, (holders.get(parent) ?? 0) + 1);
    }
  }
  rmSync(file, { force: true });
  return [...by]
    .map(([name, e]) => ({
      name,
      count: e.count,
      bytes: e.bytes,
      heldBy: [...e.holders]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 3)
        .map(([h, c]) => `${h} ×${c}`)
        .join(', '),
    }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, n);
}
