import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createIgnoreRules } from '../../../../electron/engine/folders/ignore-rules.js';
import { scanFolder, type ScannedFile, type ScanProblem } from '../../../../electron/engine/folders/scanner.js';
import { openStateDb } from '../../../../electron/engine/state/db.js';
import { createFolderStore } from '../../../../electron/engine/folders/store.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'hoist-scan-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

async function scan(under?: string) {
  const files: ScannedFile[] = [];
  const problems: ScanProblem[] = [];
  const result = await scanFolder(root, {
    ignore: createIgnoreRules(['skipme/']),
    onFile: (f) => void files.push(f),
    onProblem: (p) => void problems.push(p),
    yieldEvery: 3,
    ...(under ? { under } : {}),
  });
  return { result, files: files.map((f) => f.relative).sort(), problems };
}

describe('scanner', () => {
  it('walks nested folders iteratively, skipping ignored files and folders', async () => {
    mkdirSync(join(root, 'a/b/c'), { recursive: true });
    mkdirSync(join(root, 'skipme'));
    writeFileSync(join(root, 'top.txt'), 'x');
    writeFileSync(join(root, 'a/b/c/deep.txt'), 'xyz');
    writeFileSync(join(root, 'a/.DS_Store'), '');
    writeFileSync(join(root, 'a/dl.crdownload'), '');
    writeFileSync(join(root, 'skipme/hidden.txt'), '');
    writeFileSync(join(root, 'a/empty'), '');
    const { result, files, problems } = await scan();
    expect(result).toEqual({ files: 3, rootReadable: true });
    expect(files).toEqual(['a/b/c/deep.txt', 'a/empty', 'top.txt']);
    expect(problems).toEqual([]);
  });

  it('goes deep without recursion', async () => {
    const deep = Array.from({ length: 200 }, () => 'd').join('/');
    mkdirSync(join(root, deep), { recursive: true });
    writeFileSync(join(root, deep, 'f'), '1');
    const { files } = await scan();
    expect(files).toEqual([`${deep}/f`]);
  });

  it('reports names that are not UTF-8, by their bytes, instead of mangling them', async () => {
    const bad = Buffer.concat([Buffer.from(`${root}/bad`), Buffer.from([0xff]), Buffer.from('.txt')]);
    writeFileSync(bad, 'x');
    writeFileSync(join(root, 'good.txt'), 'x');
    const { files, problems } = await scan();
    expect(files).toEqual(['good.txt']);
    expect(problems).toEqual([
      { relative: 'bad\ufffd.txt', kind: 'invalid-name', message: expect.stringMatching(/not valid Unicode/) },
    ]);
  });

  it('never follows links, so a link loop cannot hang the scan', async () => {
    mkdirSync(join(root, 'dir'));
    writeFileSync(join(root, 'dir/f.txt'), 'x');
    symlinkSync(root, join(root, 'dir/loop'));
    symlinkSync('/etc', join(root, 'outside'));
    symlinkSync(join(root, 'dir/f.txt'), join(root, 'file-link'));
    const { files, problems } = await scan();
    expect(files).toEqual(['dir/f.txt']);
    expect(problems.map((p) => [p.relative, p.kind]).sort()).toEqual([
      ['dir/loop', 'link'],
      ['file-link', 'link'],
      ['outside', 'link'],
    ]);
  });

  it('says when the root is missing', async () => {
    rmSync(root, { recursive: true });
    const { result } = await scan();
    expect(result.rootReadable).toBe(false);
    expect(result.rootError?.code).toBe('ENOENT');
    mkdirSync(root);
  });

  it('scans only a subtree when asked', async () => {
    mkdirSync(join(root, 'new/inner'), { recursive: true });
    writeFileSync(join(root, 'new/inner/a'), '1');
    writeFileSync(join(root, 'old'), '1');
    const { files } = await scan('new');
    expect(files).toEqual(['new/inner/a']);
  });
});

describe('folder store', () => {
  it('remembers folders and file versions across reopen, and finishes transfers', () => {
    const path = join(root, 'state.db');
    let db = openStateDb(path);
    let store = createFolderStore(db);
    store.addFolder({ id: 'f1', path: '/data/Photos', label: 'Photos' });
    store.putFiles([
      {
        folderId: 'f1',
        relPath: 'a.jpg',
        size: 3,
        mtimeMs: 10.5,
        ctimeMs: 10.5,
        ino: '7',
        hash: 'h',
        state: 'queued',
        transferId: 't1',
      },
    ]);
    // the queue read a newer version than the one hashed: the hash no longer belongs to it
    store.finishTransfer('t1', 'uploaded', { size: 4, mtimeMs: 11, ctimeMs: 12 });
    db.close();
    db = openStateDb(path);
    store = createFolderStore(db);
    expect(store.folders()).toMatchObject([{ id: 'f1', path: '/data/Photos', label: 'Photos', paused: false }]);
    expect(store.file('f1', 'a.jpg')).toMatchObject({
      size: 4,
      mtimeMs: 11,
      ctimeMs: 12,
      hash: null,
      state: 'uploaded',
    });
    store.removeFolder('f1');
    expect(store.file('f1', 'a.jpg')).toBeUndefined();
    db.close();
  });
});

describe('scanner with files vanishing mid-scan', () => {
  it('skips what vanished between reading a folder and looking at its entries, silently', async () => {
    mkdirSync(join(root, 'a'));
    mkdirSync(join(root, 'b'));
    for (let i = 0; i < 100; i++) writeFileSync(join(root, 'a', `f${i}`), 'x');
    writeFileSync(join(root, 'b', 'gone-too'), 'x');
    const files: string[] = [];
    const problems: ScanProblem[] = [];
    let deleted = false;
    const result = await scanFolder(root, {
      ignore: createIgnoreRules(),
      statBatch: 4,
      onProblem: (p) => void problems.push(p),
      onFile: (f) => {
        files.push(f.relative);
        if (deleted) return;
        deleted = true;
        // the first file seen removes every other one, and the folder not yet walked
        for (let i = 0; i < 100; i++) rmSync(join(root, 'a', `f${i}`), { force: true });
        rmSync(join(root, 'b'), { recursive: true, force: true });
      },
    });
    expect(deleted).toBe(true);
    expect(result.rootReadable).toBe(true);
    expect(files.length).toBeLessThanOrEqual(4);
    expect(problems).toEqual([]);
  });
});
