// expandPaths on real temporary folders: what becomes an upload and what is skipped, with its reason.
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dataFolderReason, expandPaths } from '../../../../electron/engine/intake/expand-paths.js';

let root: string;
const noOwner = () => undefined;

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'hoist-intake-'));
  await mkdir(path.join(root, 'home', '.config', 'Hoist'), { recursive: true });
  await writeFile(path.join(root, 'home', 'notes.txt'), 'notes');
  await writeFile(path.join(root, 'home', '.config', 'Hoist', 'state.db'), 'state');
});
afterEach(() => rm(root, { recursive: true, force: true }));

describe('expandPaths', () => {
  it('skips the data folder inside a folder that contains it, with the reason', async () => {
    const dataDir = path.join(root, 'home', '.config', 'Hoist');
    const { items, skipped } = await expandPaths([path.join(root, 'home')], { dataDir, destinationOwner: noOwner });
    expect(items.map((i) => i.destination)).toEqual(['home/notes.txt']);
    expect(skipped).toEqual([{ path: dataDir, reason: dataFolderReason }]);
  });

  it('refuses the data folder and anything inside it, also when reached through a link', async () => {
    const dataDir = path.join(root, 'home', '.config', 'Hoist');
    await symlink(path.join(root, 'home'), path.join(root, 'linked-home'));
    const inputs = [dataDir, path.join(dataDir, 'state.db'), path.join(root, 'linked-home', '.config', 'Hoist')];
    const { items, skipped } = await expandPaths(inputs, { dataDir, destinationOwner: noOwner });
    expect(items).toEqual([]);
    expect(skipped.map((s) => s.reason)).toEqual([
      dataFolderReason,
      expect.stringMatching(/inside Hoist’s own data folder/),
      dataFolderReason,
    ]);
  });

  it('takes a file staged from a browser drop (the staging folder), and nothing else of the data folder', async () => {
    const dataDir = path.join(root, 'home', '.config', 'Hoist');
    const stagingDir = path.join(dataDir, 'staging');
    await mkdir(path.join(stagingDir, 'abc'), { recursive: true });
    await writeFile(path.join(stagingDir, 'abc', 'dropped.txt'), 'dropped');
    const inputs = [path.join(stagingDir, 'abc', 'dropped.txt'), path.join(dataDir, 'state.db')];
    const { items, skipped } = await expandPaths(inputs, { dataDir, stagingDir, destinationOwner: noOwner });
    expect(items.map((i) => i.destination)).toEqual(['dropped.txt']);
    expect(skipped.map((s) => s.path)).toEqual([path.join(dataDir, 'state.db')]);
  });

  it('makes one item of a file named several ways, and of a folder given with a file inside it', async () => {
    const notes = path.join(root, 'home', 'notes.txt');
    const { items, skipped } = await expandPaths(
      [notes, notes, `${path.join(root, 'home')}/./notes.txt`, path.join(root, 'home')],
      { destinationOwner: noOwner },
    );
    expect(items).toEqual([
      { path: notes, destination: 'notes.txt' },
      { path: path.join(root, 'home', '.config', 'Hoist', 'state.db'), destination: 'home/.config/Hoist/state.db' },
    ]);
    expect(skipped).toEqual([]);
  });

  it('never reads an empty path as the current folder', async () => {
    const { items, skipped } = await expandPaths([''], { destinationOwner: noOwner });
    expect(items).toEqual([]);
    expect(skipped).toEqual([{ path: '', reason: 'The path is empty.' }]);
  });
});
