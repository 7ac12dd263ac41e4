// The two watcher backends behind one interface, on a real temporary folder: a new file, a changed
// file, a folder moved in, ignored names; and which backend the default picks.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createIgnoreRules } from '../../../../electron/engine/folders/ignore-rules.js';
import {
  createChokidarWatcher,
  createParcelWatcher,
  createPreferredWatcher,
  defaultWatcherFactory,
  type Watcher,
  type WatcherFactory,
} from '../../../../electron/engine/folders/watcher.js';
import { tempDir } from './harness.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function watch(factory: WatcherFactory) {
  const dir = tempDir('hoist-watcher-');
  const root = join(dir.path, 'root');
  mkdirSync(root);
  const events: string[] = [];
  const rules = createIgnoreRules();
  const watcher: Watcher = factory(
    root,
    { ignored: (relative, isDirectory) => isDirectory !== undefined && rules.ignores(relative, isDirectory) },
    {
      event: (type, relative) => events.push(`${type} ${relative}`),
      error: (error) => events.push(`error ${error.code}`),
    },
  );
  await watcher.start();
  cleanups.push(
    () => dir.remove(),
    () => watcher.stop(),
  );
  return { root, dir: dir.path, events, watcher };
}

const until = (check: () => boolean) => expect.poll(check, { timeout: 5_000, interval: 25 }).toBe(true);

describe.each([
  ['parcel', createParcelWatcher],
  ['chokidar', createChokidarWatcher],
] as const)('%s watcher', (backend, factory) => {
  it('reports new and changed files and folders moved in, not ignored names', async () => {
    const w = await watch(factory);
    expect(w.watcher.backend).toBe(backend);
    writeFileSync(join(w.root, 'a.txt'), 'a');
    writeFileSync(join(w.root, 'skip.tmp'), 'x');
    await until(() => w.events.includes('add a.txt'));
    writeFileSync(join(w.root, 'a.txt'), 'a changed');
    await until(() => w.events.includes('change a.txt'));
    // A folder made outside and moved in: its contents need a scan, so the folder itself is reported.
    mkdirSync(join(w.dir, 'outside'));
    writeFileSync(join(w.dir, 'outside', 'b.txt'), 'b');
    renameSync(join(w.dir, 'outside'), join(w.root, 'moved'));
    await until(() => w.events.includes('addDir moved'));
    // Files inside a new folder keep being reported once it is watched.
    writeFileSync(join(w.root, 'moved', 'c.txt'), 'c');
    await until(() => w.events.includes('add moved/c.txt'));
    // chokidar may ask about a path before it knows it is a file; folder sync checks the rules again.
    if (backend === 'parcel') expect(w.events.filter((e) => e.includes('skip.tmp'))).toEqual([]);
  });
});

describe('default watcher', () => {
  it('is @parcel/watcher where it loads, chokidar when asked for', async () => {
    const preferred = await watch(createPreferredWatcher);
    expect(preferred.watcher.backend).toBe('parcel');
    expect(defaultWatcherFactory({ HOIST_WATCHER: 'chokidar' })).toBe(createChokidarWatcher);
    expect(defaultWatcherFactory({ HOIST_WATCHER: 'parcel' })).toBe(createParcelWatcher);
    expect(defaultWatcherFactory({})).toBe(createPreferredWatcher);
  });
});
