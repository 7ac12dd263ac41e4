import { createHash } from 'node:crypto';
import { lstatSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sha256File } from '../../../../electron/engine/folders/hash.js';
import { SmallHasher } from '../../../../electron/engine/folders/small-hasher.js';
import { UnsafeFileError } from '../../../../electron/engine/platform/safe-open.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hoist-hash-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));
const hasher = new SmallHasher();
afterAll(() => hasher.stop());

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');
const ino = (file: string) => String(lstatSync(file).ino);

describe('content hashes', () => {
  it.each([0, 1, 4096, 100_000])('hash a file of %i bytes, streamed or whole on the hasher thread', async (size) => {
    const file = join(dir, 'f');
    const data = Buffer.alloc(size, 7);
    writeFileSync(file, data);
    const s = lstatSync(file);
    expect(await sha256File(file)).toBe(sha256(data));
    expect(await hasher.hash(file, ino(file))).toEqual({
      hash: sha256(data),
      after: { size, mtimeMs: s.mtimeMs, ctimeMs: s.ctimeMs },
    });
  });

  it('hashes the files asked for in one turn as one batch, each with its own answer', async () => {
    const files = Array.from({ length: 50 }, (_, i) => join(dir, `f${i}`));
    files.forEach((f, i) => writeFileSync(f, `file ${i}`));
    const hashes = await Promise.all(files.map((f) => hasher.hash(f, ino(f))));
    expect(hashes.map((h) => h.hash)).toEqual(files.map((_, i) => sha256(`file ${i}`)));
  });

  it('refuses a link, another file than the one planned, and reports a missing one as gone', async () => {
    const file = join(dir, 'f');
    writeFileSync(file, 'x');
    symlinkSync(file, join(dir, 'link'));
    await expect(hasher.hash(join(dir, 'link'), ino(file))).rejects.toBeInstanceOf(UnsafeFileError);
    await expect(hasher.hash(file, String(Number(ino(file)) + 1))).rejects.toBeInstanceOf(UnsafeFileError);
    await expect(hasher.hash(join(dir, 'missing'), '')).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
