// Folder sync against the real local cloud and the real queue: each rule of issue 6 on real
// temporary folders. No timing assertions: everything waits by polling with generous timeouts.
import {
  appendFileSync,
  chmodSync,
  mkdirSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../../../support/digest.js';
import { type Env, makeSync, sleep, startEnv, type Sync } from './harness.js';

let env: Env;
const open: Sync[] = [];

beforeAll(async () => {
  env = await startEnv();
});
afterAll(async () => {
  await env?.close();
});
afterEach(async () => {
  for (const s of open.splice(0)) {
    await s.close().catch(() => {});
    s.remove();
  }
});

async function started(settings: Parameters<typeof makeSync>[1] = {}): Promise<Sync> {
  const s = makeSync(env, settings);
  open.push(s);
  await s.open();
  return s;
}

describe('folder sync', () => {
  it('uploads existing and new files under "<label>/<path>" (NFC), skips ignored ones and reports bad names', async () => {
    const s = await started();
    const photos = join(s.home, 'Photos');
    mkdirSync(join(photos, 'trip 🏖️'), { recursive: true });
    writeFileSync(join(photos, 'a.txt'), 'alpha');
    writeFileSync(join(photos, 'trip 🏖️', 'Cafe\u0301 -x.txt'), 'nfd');
    writeFileSync(join(photos, '-leading.txt'), 'dash');
    writeFileSync(join(photos, 'empty.bin'), '');
    for (const junk of [
      '.DS_Store',
      'Thumbs.db',
      '~$doc.docx',
      'x.tmp',
      'movie.part',
      'file.crdownload',
      '.~lock.a.odt#',
    ])
      writeFileSync(join(photos, junk), 'junk');
    writeFileSync(Buffer.from(`${photos}/bad\xff.txt`, 'latin1'), 'bytes');
    writeFileSync(join(photos, 'bell\u0007.txt'), 'ctl');

    const folder = await s.sync.add(photos);
    expect(folder).toMatchObject({ label: 'Photos', path: photos });
    await s.settle();
    expect(await s.keys()).toEqual([
      'Photos/-leading.txt',
      'Photos/a.txt',
      'Photos/empty.bin',
      'Photos/trip 🏖️/Caf\u00e9 -x.txt',
    ]);
    expect((await s.object('Photos/a.txt')).toString()).toBe('alpha');
    expect(s.folder(folder.id).state).toBe('watching');
    const problems = s.sync
      .problems(folder.id)
      .map((p) => p.relative)
      .sort();
    expect(problems).toEqual(['bad\ufffd.txt', 'bell\u0007.txt']);
    expect(s.folder(folder.id).message).toMatch(/2 items are not uploaded/);

    // a new file while watching, and a new folder moved in with files
    writeFileSync(join(photos, 'new.txt'), 'fresh');
    mkdirSync(join(s.home, 'outside/inner'), { recursive: true });
    writeFileSync(join(s.home, 'outside/inner/moved.txt'), 'moved');
    renameSync(join(s.home, 'outside'), join(photos, 'arrived'));
    await expect
      .poll(() => s.keys(), { timeout: 30_000 })
      .toEqual(expect.arrayContaining(['Photos/new.txt', 'Photos/arrived/inner/moved.txt']));
    expect((await s.object('Photos/arrived/inner/moved.txt')).toString()).toBe('moved');
    expect(s.folderEvents.at(-1)?.find((f) => f.id === folder.id)).toBeDefined();
  });

  it('uploads a modified file again, with its new content', async () => {
    const s = await started();
    const docs = join(s.home, 'Docs');
    mkdirSync(docs);
    writeFileSync(join(docs, 'notes.txt'), 'v1');
    await s.sync.add(docs);
    await expect.poll(() => s.keys(), { timeout: 30_000 }).toEqual(['Docs/notes.txt']);
    await s.settle();
    writeFileSync(join(docs, 'notes.txt'), 'version two');
    await expect
      .poll(async () => (await s.object('Docs/notes.txt')).toString(), { timeout: 30_000 })
      .toBe('version two');
    expect(s.writes('Docs/notes.txt')).toHaveLength(2);
  });

  it('waits for a file that is still being written and uploads it once, complete', async () => {
    const s = await started({ stabilityWindowMs: 1_000 });
    const inbox = join(s.home, 'Inbox');
    mkdirSync(inbox);
    await s.sync.add(inbox);
    await s.settle();
    const file = join(inbox, 'recording.wav');
    const chunks: Buffer[] = [];
    // 15 chunks, 200 ms apart: 3 s of writing, three times the window, never quiet for a whole window
    for (let i = 0; i < 15; i++) {
      const chunk = Buffer.alloc(64 * 1024, i);
      chunks.push(chunk);
      appendFileSync(file, chunk);
      await sleep(200);
    }
    const whole = Buffer.concat(chunks);
    await expect.poll(() => s.keys(), { timeout: 30_000 }).toEqual(['Inbox/recording.wav']);
    await s.settle();
    expect(sha256(await s.object('Inbox/recording.wav'))).toBe(sha256(whole));
    expect(s.writes('Inbox/recording.wav')).toHaveLength(1);
  });

  it('does not mirror renames or deletions: the new path is uploaded, nothing remote is deleted', async () => {
    const s = await started();
    const docs = join(s.home, 'Docs');
    mkdirSync(docs);
    writeFileSync(join(docs, 'old-name.txt'), 'same bytes');
    writeFileSync(join(docs, 'doomed.txt'), 'bye');
    await s.sync.add(docs);
    await expect.poll(() => s.keys(), { timeout: 30_000 }).toEqual(['Docs/doomed.txt', 'Docs/old-name.txt']);
    renameSync(join(docs, 'old-name.txt'), join(docs, 'new-name.txt'));
    rmSync(join(docs, 'doomed.txt'));
    await expect
      .poll(() => s.keys(), { timeout: 30_000 })
      .toEqual(['Docs/doomed.txt', 'Docs/new-name.txt', 'Docs/old-name.txt']);
    await s.settle();
    expect(
      env.cloud.requestLog.entries().filter((e) => e.key?.startsWith(s.prefix) && /Delete/.test(e.operation)),
    ).toEqual([]);
  });

  it('never follows links: a link loop and a link out of the folder are reported, not walked', async () => {
    const s = await started();
    const root = join(s.home, 'Linked');
    mkdirSync(join(root, 'sub'), { recursive: true });
    mkdirSync(join(s.home, 'secret'));
    writeFileSync(join(s.home, 'secret', 'passwords.txt'), 'nope');
    writeFileSync(join(root, 'sub', 'real.txt'), 'real');
    symlinkSync(root, join(root, 'sub', 'loop'));
    symlinkSync(join(s.home, 'secret'), join(root, 'escape'));
    const folder = await s.sync.add(root);
    await s.settle();
    expect(await s.keys()).toEqual(['Linked/sub/real.txt']);
    expect(s.folder(folder.id)).toMatchObject({
      state: 'watching',
      message: expect.stringMatching(/2 links were not followed/),
    });
  });

  // The exact "listed, then gone before lstat" case is deterministic in test/unit/engine/folders/scanner.test.ts;
  // here deletions race the add and its first scan end to end.
  it('tolerates files vanishing around the first scan', async () => {
    const s = await started();
    const root = join(s.home, 'Churn');
    for (let d = 0; d < 10; d++) {
      mkdirSync(join(root, `d${d}`), { recursive: true });
      for (let f = 0; f < 100; f++) writeFileSync(join(root, `d${d}`, `f${f}.txt`), `${d}/${f}`);
    }
    const adding = s.sync.add(root);
    // delete half of the files (and one whole folder) while the scan runs
    for (let d = 0; d < 10; d++) for (let f = 0; f < 100; f += 2) rmSync(join(root, `d${d}`, `f${f}.txt`));
    rmSync(join(root, 'd9'), { recursive: true });
    const folder = await adding;
    await s.settle();
    const keys = await s.keys();
    const expected = Array.from({ length: 9 }, (_, d) =>
      Array.from({ length: 50 }, (_, i) => `Churn/d${d}/f${i * 2 + 1}.txt`),
    ).flat();
    expect(keys).toEqual(expect.arrayContaining(expected));
    expect(keys.every((k) => /^Churn\/d\d\/f\d+\.txt$/.test(k))).toBe(true);
    expect(s.folder(folder.id)).toMatchObject({ state: 'watching' });
    expect(s.sync.problems(folder.id)).toEqual([]);
  });

  it('shows a removed folder as unavailable and resumes when it is back', async () => {
    const s = await started();
    const root = join(s.home, 'Usb');
    mkdirSync(root);
    writeFileSync(join(root, 'first.txt'), '1');
    const folder = await s.sync.add(root);
    await expect.poll(() => s.keys(), { timeout: 30_000 }).toEqual(['Usb/first.txt']);
    renameSync(root, join(s.home, 'unplugged'));
    await expect.poll(() => s.folder(folder.id).state, { timeout: 30_000 }).toBe('unavailable');
    expect(s.folder(folder.id).message).toMatch(/missing or its disk is not connected/);
    // The `folders` event is throttled: it may follow the state by a few milliseconds.
    await expect
      .poll(() => s.folderEvents.some((list) => list.some((f) => f.id === folder.id && f.state === 'unavailable')), {
        timeout: 10_000,
      })
      .toBe(true);
    writeFileSync(join(s.home, 'unplugged', 'while-away.txt'), 'away');
    renameSync(join(s.home, 'unplugged'), root);
    await expect.poll(() => s.folder(folder.id).state, { timeout: 30_000 }).toBe('watching');
    await expect.poll(() => s.keys(), { timeout: 30_000 }).toEqual(['Usb/first.txt', 'Usb/while-away.txt']);
    writeFileSync(join(root, 'after.txt'), 'after');
    await expect.poll(() => s.keys(), { timeout: 30_000 }).toContain('Usb/after.txt');
    expect(s.writes('Usb/first.txt')).toHaveLength(1);
  });

  it('does not upload unchanged files again after a restart, nor a touched file with the same content', async () => {
    const s = await started();
    const root = join(s.home, 'Keep');
    mkdirSync(root);
    for (let i = 0; i < 20; i++) writeFileSync(join(root, `f${i}.txt`), `content ${i}`);
    const wholeSecond = new Date(Date.UTC(2026, 0, 2, 3, 4, 5)); // so that it can be put back exactly
    utimesSync(join(root, 'f3.txt'), wholeSecond, wholeSecond);
    await s.sync.add(root);
    await expect.poll(async () => (await s.keys()).length, { timeout: 30_000 }).toBe(20);
    await s.settle();
    const before = s.writes().length;
    expect(before).toBe(20);
    await s.close();

    // while stopped: one file touched (same bytes, new mtime), one rewritten, one added, one rewritten
    // in place with its mtime put back (same size: only the change time tells), one only chmod'ed
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(root, 'f1.txt'), later, later);
    writeFileSync(join(root, 'f2.txt'), 'changed while stopped');
    writeFileSync(join(root, 'f20.txt'), 'new while stopped');
    const inPlace = join(root, 'f3.txt');
    const uploaded = statSync(inPlace, { bigint: true });
    writeFileSync(inPlace, 'CONTENT 3');
    utimesSync(inPlace, wholeSecond, wholeSecond);
    // Against the file as it was uploaded: same size and modification time, only the change time tells.
    const edited = statSync(inPlace, { bigint: true });
    expect([edited.size, edited.mtimeNs]).toEqual([uploaded.size, uploaded.mtimeNs]);
    expect(edited.ctimeNs).not.toBe(uploaded.ctimeNs);
    chmodSync(join(root, 'f4.txt'), 0o600);
    await s.open();
    await expect.poll(() => s.sync.list()[0]?.state, { timeout: 30_000 }).toBe('watching');
    const expected = ['Keep/f2.txt', 'Keep/f20.txt', 'Keep/f3.txt'];
    await expect.poll(() => s.writes().length - before, { timeout: 30_000 }).toBe(expected.length);
    await s.settle();
    expect(s.writes().slice(before).sort()).toEqual(expected);
    expect((await s.object('Keep/f2.txt')).toString()).toBe('changed while stopped');
    expect((await s.object('Keep/f3.txt')).toString()).toBe('CONTENT 3');
    // and a rescan (hourly, after wake) changes nothing either
    await s.sync.rescanAll();
    await s.settle();
    expect(s.writes().length - before).toBe(expected.length);
  });

  it('pauses, resumes and removes folders; removing cancels unfinished uploads and deletes nothing remote', async () => {
    const s = await started();
    const root = join(s.home, 'Work');
    mkdirSync(root);
    writeFileSync(join(root, 'one.txt'), '1');
    const folder = await s.sync.add(root);
    await expect.poll(() => s.keys(), { timeout: 30_000 }).toEqual(['Work/one.txt']);
    await s.sync.pause(folder.id);
    expect(s.folder(folder.id).state).toBe('paused');
    writeFileSync(join(root, 'two.txt'), '2');
    await s.sync.resume(folder.id);
    await expect.poll(() => s.keys(), { timeout: 30_000 }).toEqual(['Work/one.txt', 'Work/two.txt']);
    await s.settle();

    // slow the queue down so that transfers are still queued when the folder goes
    s.queue.pauseAll();
    for (let i = 0; i < 5; i++) writeFileSync(join(root, `late${i}.txt`), `late ${i}`);
    await expect
      .poll(() => s.queue.list('active').filter((t) => t.origin.kind === 'folder').length, { timeout: 30_000 })
      .toBe(5);
    await s.sync.remove(folder.id);
    expect(s.sync.list()).toEqual([]);
    expect(s.queue.list('active').filter((t) => t.origin.kind === 'folder')).toEqual([]);
    s.queue.resumeAll();
    await s.queue.whenIdle();
    expect(await s.keys()).toEqual(['Work/one.txt', 'Work/two.txt']);
  });

  it('refuses folders it must not watch and keeps labels unique', async () => {
    const s = await started();
    const a = join(s.home, 'x', 'Photos');
    const b = join(s.home, 'y', 'Photos');
    mkdirSync(join(a, 'inner'), { recursive: true });
    mkdirSync(b, { recursive: true });
    writeFileSync(join(s.home, 'file.txt'), '');
    const first = await s.sync.add(a);
    const second = await s.sync.add(b);
    expect([first.label, second.label]).toEqual(['Photos', 'Photos (2)']);
    await expect(s.sync.add(join(s.home, 'nope'))).rejects.toThrow(/does not exist/);
    await expect(s.sync.add(join(s.home, 'file.txt'))).rejects.toThrow(/not a folder/);
    await expect(s.sync.add(join(a, 'inner'))).rejects.toThrow(/inside the watched folder "Photos"/);
    await expect(s.sync.add(join(s.home, 'x'))).rejects.toThrow(/contains the watched folder/);
    await expect(s.sync.add(a)).rejects.toThrow(/already watched/);
    await expect(s.sync.add(s.dataDir)).rejects.toThrow(/data folder/);
    await expect(s.sync.add(join(s.dataDir, '..'))).rejects.toThrow(/data folder/);
  });
});
