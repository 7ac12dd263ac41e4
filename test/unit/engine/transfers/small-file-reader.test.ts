// The small-file reader thread: what it reads and the version it reports, errors, and many reads at once.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readSmallFile } from '../../../../electron/engine/transfers/small-file-reader.js';
import { readVersion } from '../../../../electron/engine/transfers/file-version.js';

describe('small files read on the reader thread', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hoist-small-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gives the bytes and the version readVersion gives, and one byte more when the file grew', async () => {
    const file = join(dir, 'a.bin');
    const data = Buffer.from('some small file');
    writeFileSync(file, data);
    const read = await readSmallFile(file, data.length);
    expect(read.data.equals(data)).toBe(true);
    expect(read.version).toEqual(await readVersion(file));
    const grown = await readSmallFile(file, data.length - 3);
    expect(grown.data.length).toBe(data.length - 2);
    const empty = join(dir, 'empty.bin');
    writeFileSync(empty, '');
    expect((await readSmallFile(empty, 0)).data.length).toBe(0);
  });

  it('fails as the fs calls would: ENOENT, EISDIR', async () => {
    await expect(readSmallFile(join(dir, 'missing.bin'), 1)).rejects.toMatchObject({ code: 'ENOENT', syscall: 'open' });
    const sub = join(dir, 'sub');
    mkdirSync(sub);
    await expect(readSmallFile(sub, 1)).rejects.toMatchObject({ code: 'EISDIR' });
  });

  it('many reads at once each get their own file', async () => {
    const files = Array.from({ length: 50 }, (_, i) => {
      const file = join(dir, `m${i}.bin`);
      writeFileSync(file, `file number ${i}`);
      return file;
    });
    const reads = await Promise.all(files.map((f, i) => readSmallFile(f, `file number ${i}`.length)));
    reads.forEach((r, i) => expect(r.data.toString()).toBe(`file number ${i}`));
  });

  it('gives up at once when its signal aborts', async () => {
    const abort = new AbortController();
    abort.abort(new Error('paused'));
    await expect(readSmallFile(join(dir, 'a.bin'), 1, abort.signal)).rejects.toThrow('paused');
  });
});
