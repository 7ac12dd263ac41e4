// The hostile file-system catalogue (issue 6) as one table, through the whole engine (createEngine,
// folders.add, the real watcher, queue and local cloud): odd names upload under their NFC name, names that
// cannot be keys are reported and never mangled, links are never followed, special files never block,
// sparse and empty files arrive intact, a file vanishing mid-upload leaves no torn object, and nothing ever
// lands outside the user's prefix. Then the same entries swapped in after the files were queued (a FIFO, a
// link out of the folder, a link to a device, another file renamed over one), before and during the
// upload: each is refused with its reason, never read, while the rest of the batch uploads. Unreadable files cannot be tested as root (root reads mode 000): the
// folder-sync unit tests cover the reporting path.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  mkdirSync,
  openSync,
  closeSync,
  ftruncateSync,
  renameSync,
  writeSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEngine, type TestEngine } from '../../support/engine.js';
import { MiB, sha256, startRig, type Rig } from '../reliability/rig.js';
import { pollUntil } from '../../support/poll.js';

const user = { username: 'hostile', password: 'hostile files password' };
const LABEL = 'Hostile';

interface FileCase {
  name: string;
  /** Creates the entry inside the watched folder; returns its content when it must be uploaded. */
  make(dir: string, outside: string): Buffer | undefined;
  /** Key relative to `<prefix>/Hostile/` when uploaded. */
  key?: string;
}

const long = 'L'.repeat(250);
const cases: FileCase[] = [
  { name: 'spaces', make: (d) => put(d, '  spaced  out .txt', 'spaces'), key: '  spaced  out .txt' },
  { name: 'emoji', make: (d) => put(d, '🚀 launch 👩‍🚀.txt', 'emoji'), key: '🚀 launch 👩‍🚀.txt' },
  {
    name: 'combining characters (NFD on disk, NFC key)',
    make: (d) => put(d, 'Cafe\u0301 Zoe\u0308.txt', 'nfd'),
    key: 'Caf\u00e9 Zo\u00eb.txt',
  },
  { name: 'leading dashes', make: (d) => put(d, '--rm -rf.txt', 'dash'), key: '--rm -rf.txt' },
  {
    name: 'shell and URL metacharacters',
    make: (d) => put(d, 'a&b;c|d$(e)`f`\'g"h?i#j%20k+l.txt', 'meta'),
    key: 'a&b;c|d$(e)`f`\'g"h?i#j%20k+l.txt',
  },
  { name: 'a 250-byte name', make: (d) => put(d, `${long}.txt`, 'long'), key: `${long}.txt` },
  { name: 'a 0-byte file', make: (d) => put(d, 'empty.bin', Buffer.alloc(0)), key: 'empty.bin' },
  {
    name: 'a sparse 12 MiB file (multi-part, mostly holes)',
    make: (d) => {
      const fd = openSync(path.join(d, 'sparse.img'), 'w');
      ftruncateSync(fd, 12 * MiB);
      writeSync(fd, Buffer.from('tail'), 0, 4, 12 * MiB - 4);
      closeSync(fd);
      const expected = Buffer.alloc(12 * MiB);
      expected.write('tail', 12 * MiB - 4);
      return expected;
    },
    key: 'sparse.img',
  },
  {
    name: 'invalid UTF-8 bytes (reported)',
    make: (d) => void writeFileSync(Buffer.from(`${d}/bad-\xfe\xff.txt`, 'latin1'), 'x'),
  },
  { name: 'a control character (reported)', make: (d) => void put(d, 'tab\u0009bell\u0007.txt', 'x') },
  {
    name: 'a path over 1,024 bytes (reported)',
    make: (d) => void put(d, `${'deep'.repeat(60)}/${'x'.repeat(250)}/${'y'.repeat(250)}/${'z'.repeat(250)}.txt`, 'x'),
  },
  {
    name: 'a link to a file outside the folder',
    make: (d, out) => void symlinkSync(path.join(out, 'secret.txt'), path.join(d, 'secret-link.txt')),
  },
  { name: 'a link to a folder outside', make: (d, out) => void symlinkSync(out, path.join(d, 'outside-link')) },
  { name: 'a link loop', make: (d) => void symlinkSync(d, path.join(d, 'loop')) },
  { name: 'a dangling link', make: (d) => void symlinkSync(path.join(d, 'nowhere'), path.join(d, 'dangling')) },
  {
    name: 'a named pipe (would block a reader forever)',
    make: (d) => void execFileSync('mkfifo', [path.join(d, 'pipe')]),
  },
  {
    name: 'a path-traversal-looking name',
    make: (d) => put(d, '..%2F..%2Fescape.txt', 'dots'),
    key: '..%2F..%2Fescape.txt',
  },
];

function put(dir: string, relative: string, content: string | Buffer): Buffer {
  const file = path.join(dir, relative);
  mkdirSync(path.dirname(file), { recursive: true });
  const data = typeof content === 'string' ? Buffer.from(content) : content;
  writeFileSync(file, data);
  return data;
}

let rig: Rig;
let work: string;
let engine: TestEngine;
let prefix: string;
let keys = new Set<string>();
const expected = new Map<string, Buffer | undefined>();

beforeAll(async () => {
  rig = await startRig({ users: [user] });
  work = await mkdtemp(path.join(os.tmpdir(), 'hoist-hostile-'));
  const dir = path.join(work, LABEL);
  const outside = path.join(work, 'outside');
  mkdirSync(dir);
  mkdirSync(outside);
  writeFileSync(path.join(outside, 'secret.txt'), 'never upload me');
  for (const c of cases) expected.set(c.name, c.make(dir, outside));
  engine = await startTestEngine({ brokerUrl: rig.brokerUrl });
  await engine.engine['session.signIn']({ username: user.username, password: user.password });
  await engine.engine['settings.update']({ stabilityWindowMs: 300 });
  prefix = `uploads/${(await engine.engine['session.get']({})).identityId}/`;
  await engine.engine['folders.add']({ path: dir });
  const uploaded = cases.filter((c) => c.key).map((c) => `${prefix}${LABEL}/${c.key}`);
  // (expect.poll only works inside a test: wait by hand, the table then reports what is missing)
  await pollUntil(
    async () => {
      const now = new Set(await rig.listKeys(prefix));
      return uploaded.every((k) => now.has(k));
    },
    { timeoutMs: 60_000, intervalMs: 250 },
  );
  await engine.engine.whenIdle();
  keys = new Set(await rig.listKeys(prefix));
});
afterAll(async () => {
  await engine?.close();
  await rig?.close();
  await rm(work, { recursive: true, force: true });
});

describe('a watched folder full of hostile entries', () => {
  it.each(cases)('$name', async (c) => {
    if (c.key) {
      expect(await rig.objectSha256(`${prefix}${LABEL}/${c.key}`)).toBe(sha256(expected.get(c.name)!));
    } else {
      expect(expected.get(c.name)).toBeUndefined();
    }
  });

  it('uploaded exactly the good names, nothing else, nothing outside the prefix, and reported the rest', async () => {
    const good = cases
      .filter((c) => c.key)
      .map((c) => `${prefix}${LABEL}/${c.key}`)
      .sort();
    expect([...keys].sort()).toEqual(good);
    expect((await rig.listKeys('')).filter((k) => !k.startsWith(prefix))).toEqual([]);
    const [folder] = await engine.engine['folders.list']({});
    expect(folder).toMatchObject({ state: 'watching' });
    expect(folder!.message).toMatch(/not uploaded|not followed/);
    expect((await engine.engine['transfers.list']({ filter: 'all' })).filter((t) => t.state !== 'done')).toEqual([]);
  });

  it('a file vanishing mid-upload leaves no torn object and no open upload', async () => {
    await engine.engine['settings.update']({ bandwidthLimit: 2 * MiB });
    const file = path.join(work, LABEL, 'vanishing.bin');
    writeFileSync(file, randomBytes(20 * MiB));
    const key = `${prefix}${LABEL}/vanishing.bin`;
    await expect
      .poll(
        async () =>
          (await engine.engine['transfers.list']({ filter: 'all' })).find((t) => t.name === 'vanishing.bin')
            ?.bytesDone ?? 0,
        { timeout: 30_000, interval: 50 },
      )
      .toBeGreaterThan(0);
    rmSync(file);
    await expect
      .poll(
        async () =>
          (await engine.engine['transfers.list']({ filter: 'all' })).find((t) => t.name === 'vanishing.bin')?.state,
        { timeout: 60_000, interval: 200 },
      )
      .toMatch(/failed|cancelled|done/);
    const t = (await engine.engine['transfers.list']({ filter: 'all' })).find((x) => x.name === 'vanishing.bin')!;
    // The open file handle may still deliver the whole, consistent content (then it is complete); otherwise nothing.
    const sha = await rig.objectSha256(key);
    if (t.state === 'done') expect(sha).toBeDefined();
    else expect(sha).toBeUndefined();
    await engine.engine['settings.update']({ bandwidthLimit: null });
  });

  // A transfer that fails for good (file_missing, not retryable) aborts its multipart upload instead of
  // leaving its parts stored until the bucket's lifecycle rule.
  it('a vanished file’s multipart upload is aborted', async () => {
    await expect.poll(() => rig.openUploads(prefix), { timeout: 10_000 }).toEqual([]);
  });
});

// Queued as regular files, then swapped before a byte is read: the queue reads only the inode it was
// given, through one descriptor opened without following a link or waiting for a FIFO's writer.
describe('files swapped after they were queued', () => {
  const TO = 'Swapped';
  const small = (name: string) => randomBytes(1000 + name.length);
  interface Swap {
    name: string;
    size: number;
    /** Replaces the queued file; `outside` holds the secret a link points to. */
    swap(file: string, outside: string): void;
    code: string;
    message: RegExp;
  }
  const swaps: Swap[] = [
    {
      name: 'fifo.txt',
      size: 1000,
      swap: (f) => {
        rmSync(f);
        execFileSync('mkfifo', [f]);
      },
      code: 'not_a_file',
      message: /fifo\.txt is not a regular file/,
    },
    {
      name: 'link-out.txt',
      size: 1000,
      swap: (f, out) => {
        rmSync(f);
        symlinkSync(path.join(out, 'secret.txt'), f);
      },
      code: 'not_a_file',
      message: /link-out\.txt is a link; links are never followed/,
    },
    {
      name: 'device.bin',
      size: 1000,
      swap: (f) => {
        rmSync(f);
        symlinkSync('/dev/zero', f);
      },
      code: 'not_a_file',
      message: /device\.bin is a link/,
    },
    {
      name: 'renamed-over.txt',
      size: 1000,
      swap: (f, out) => {
        const other = path.join(out, 'moved-in.txt');
        writeFileSync(other, 'a file moved in after the scan');
        renameSync(other, f);
      },
      code: 'file_replaced',
      message: /renamed-over\.txt was replaced by another file after it was queued/,
    },
    {
      // Bigger than the small-file path: read part by part through the opened descriptor.
      name: 'renamed-over-big.bin',
      size: 6 * MiB,
      swap: (f, out) => {
        const other = path.join(out, 'moved-in-big.bin');
        writeFileSync(other, randomBytes(6 * MiB));
        renameSync(other, f);
      },
      code: 'file_replaced',
      message: /renamed-over-big\.bin was replaced/,
    },
    {
      name: 'big-link-out.bin',
      size: 12 * MiB,
      swap: (f, out) => {
        rmSync(f);
        symlinkSync(path.join(out, 'secret.txt'), f);
      },
      code: 'not_a_file',
      message: /big-link-out\.bin is a link/,
    },
  ];

  it('refuses each swapped entry with its reason and uploads the rest of the batch', async () => {
    const dir = path.join(work, 'batch');
    const outside = path.join(work, 'outside');
    mkdirSync(dir);
    const good = new Map<string, Buffer>([
      ['good-small.txt', small('good-small.txt')],
      ['good-big.bin', randomBytes(12 * MiB)],
    ]);
    for (const [name, data] of good) writeFileSync(path.join(dir, name), data);
    for (const s of swaps) writeFileSync(path.join(dir, s.name), s.size <= 1000 ? small(s.name) : randomBytes(s.size));

    await engine.engine['transfers.pauseAll']({});
    const { ids, skipped } = await engine.engine['transfers.add']({ paths: [dir], to: TO });
    expect(skipped ?? []).toEqual([]);
    expect(ids).toHaveLength(good.size + swaps.length);
    for (const s of swaps) s.swap(path.join(dir, s.name), outside);
    await engine.engine['transfers.resumeAll']({});

    const mine = async () =>
      (await engine.engine['transfers.list']({ filter: 'all' })).filter((t) => ids.includes(t.id));
    await expect
      .poll(async () => (await mine()).every((t) => t.state === 'done' || t.state === 'failed'), {
        timeout: 60_000,
        interval: 200,
      })
      .toBe(true);
    const byName = new Map((await mine()).map((t) => [t.name, t]));
    for (const [name, data] of good) {
      expect(byName.get(name)?.state, name).toBe('done');
      expect(await rig.objectSha256(`${prefix}${TO}/batch/${name}`)).toBe(sha256(data));
    }
    for (const s of swaps) {
      const t = byName.get(s.name);
      expect({ name: s.name, state: t?.state, code: t?.error?.code }).toEqual({
        name: s.name,
        state: 'failed',
        code: s.code,
      });
      expect(t?.error?.message).toMatch(s.message);
    }
    const stored = (await rig.listKeys(`${prefix}${TO}/`)).sort();
    expect(stored).toEqual([...good.keys()].map((n) => `${prefix}${TO}/batch/${n}`).sort());
  });

  it('in a watched folder, reports an entry swapped for a link after it was queued, and uploads the rest', async () => {
    const dir = path.join(work, 'Watched swap');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'kept.txt'), 'kept');
    writeFileSync(path.join(dir, 'swapped.txt'), 'queued as a file');
    await engine.engine['transfers.pauseAll']({});
    const folder = await engine.engine['folders.add']({ path: dir });
    const queued = async () =>
      (await engine.engine['transfers.list']({ filter: 'all' })).filter(
        (t) => t.origin.kind === 'folder' && t.origin.folderId === folder.id,
      );
    await expect.poll(async () => (await queued()).length, { timeout: 30_000, interval: 100 }).toBe(2);
    rmSync(path.join(dir, 'swapped.txt'));
    symlinkSync(path.join(work, 'outside', 'secret.txt'), path.join(dir, 'swapped.txt'));
    await engine.engine['transfers.resumeAll']({});
    await expect
      .poll(async () => Object.fromEntries((await queued()).map((t) => [t.name, t.state])), { timeout: 30_000 })
      .toEqual({ 'kept.txt': 'done', 'swapped.txt': 'failed' });
    expect((await queued()).find((t) => t.name === 'swapped.txt')?.error?.code).toBe('not_a_file');
    await expect
      .poll(async () => (await engine.engine['folders.list']({})).find((f) => f.id === folder.id)?.message, {
        timeout: 10_000,
      })
      .toMatch(/1 item is not uploaded: "swapped\.txt": .*swapped\.txt is a link; links are never followed/);
    const label = (await engine.engine['folders.list']({})).find((f) => f.id === folder.id)!.label;
    expect(await rig.listKeys(`${prefix}${label}/`)).toEqual([`${prefix}${label}/kept.txt`]);
    await engine.engine['folders.remove']({ id: folder.id });
  });

  it('in a watched folder, a file an editor saves by renaming a new one over it is queued again and uploaded', async () => {
    const dir = path.join(work, 'Watched save');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'notes.txt'), 'first draft');
    await engine.engine['transfers.pauseAll']({});
    const folder = await engine.engine['folders.add']({ path: dir });
    const mine = async () =>
      (await engine.engine['transfers.list']({ filter: 'all' })).filter(
        (t) => t.origin.kind === 'folder' && t.origin.folderId === folder.id,
      );
    await expect.poll(async () => (await mine()).length, { timeout: 30_000, interval: 100 }).toBe(1);
    writeFileSync(path.join(dir, '.notes.txt.swp'), 'second draft, saved');
    renameSync(path.join(dir, '.notes.txt.swp'), path.join(dir, 'notes.txt'));
    await engine.engine['transfers.resumeAll']({});
    const label = (await engine.engine['folders.list']({})).find((f) => f.id === folder.id)!.label;
    // The queued transfer is refused (another inode); the folder looks at the new file and queues it.
    await expect
      .poll(async () => (await mine()).map((t) => `${t.state}:${t.error?.code ?? ''}`).sort(), { timeout: 30_000 })
      .toEqual(['done:', 'failed:file_replaced']);
    expect(await rig.objectSha256(`${prefix}${label}/notes.txt`)).toBe(sha256(Buffer.from('second draft, saved')));
    await engine.engine['folders.remove']({ id: folder.id });
  });

  it('refuses a link swapped in while the file is being uploaded, instead of uploading its target', async () => {
    // One part at a time: parts after the swap are read after it.
    await engine.engine['settings.update']({ bandwidthLimit: 2 * MiB, partsInParallel: 1 });
    const dir = path.join(work, 'during');
    mkdirSync(dir);
    const file = path.join(dir, 'becomes-a-link.bin');
    writeFileSync(file, randomBytes(24 * MiB));
    const { ids } = await engine.engine['transfers.add']({ paths: [file], to: TO });
    const id = ids[0]!;
    const now = async () => (await engine.engine['transfers.list']({ filter: 'all' })).find((t) => t.id === id);
    await expect.poll(async () => (await now())?.bytesDone ?? 0, { timeout: 30_000, interval: 50 }).toBeGreaterThan(0);
    // A changed file is normally uploaded again as its new version; a link's target never is.
    rmSync(file);
    symlinkSync(path.join(work, 'outside', 'secret.txt'), file);
    await expect.poll(async () => (await now())?.state, { timeout: 60_000, interval: 200 }).toMatch(/failed|done/);
    expect((await now())?.error).toMatchObject({ code: 'not_a_file' });
    expect(await rig.objectSha256(`${prefix}${TO}/becomes-a-link.bin`)).toBeUndefined();
    await engine.engine['settings.update']({ bandwidthLimit: null, partsInParallel: 4 });
    // The engine keeps working: the next file uploads.
    const after = path.join(dir, 'after.txt');
    writeFileSync(after, 'still working');
    const next = await engine.engine['transfers.add']({ paths: [after], to: TO });
    await expect
      .poll(
        async () => (await engine.engine['transfers.list']({ filter: 'all' })).find((t) => t.id === next.ids[0])?.state,
        {
          timeout: 30_000,
        },
      )
      .toBe('done');
  });
});
