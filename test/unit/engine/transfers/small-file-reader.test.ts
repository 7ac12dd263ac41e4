// The small-file reader: what it reads and the version it reports, errors, and many reads at once, the same
// whether a lone read is done on this thread (the thread being down) or every read on the reader thread.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SmallFileReader } from '../../../../electron/engine/transfers/small-file-reader.js';
import { FileMissingError, NotAFileError, readVersion } from '../../../../electron/engine/transfers/file-version.js';

describe.each([
  ['a lone read on this thread', true],
  ['every read on the reader thread', false],
])('small files read: %s', (_, loneReadsHere) => {
  const dir = mkdtempSync(join(tmpdir(), 'hoist-small-'));
  const reader = new SmallFileReader({ loneReadsHere });
  afterAll(async () => {
    await reader.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives the version readVersion gives, and the bytes when the file is within the limit', async () => {
    const file = join(dir, 'a.bin');
    const data = Buffer.from('some small file');
    writeFileSync(file, data);
    const read = await reader.read(file, 1024);
    expect(read.data?.equals(data)).toBe(true);
    expect(read.version).toEqual(await readVersion(file));
    const exact = await reader.read(file, data.length);
    expect(exact.data?.length).toBe(data.length);
    const over = await reader.read(file, data.length - 1);
    expect(over).toEqual({ version: await readVersion(file) }); // the version only: too big to read here
    const empty = join(dir, 'empty.bin');
    writeFileSync(empty, '');
    expect((await reader.read(empty, 1024)).data?.length).toBe(0);
  });

  it('fails as readVersion would, and never opens what is not a regular file', async () => {
    await expect(reader.read(join(dir, 'missing.bin'), 1024)).rejects.toBeInstanceOf(FileMissingError);
    await expect(reader.read(join(dir, 'a.bin', 'under-a-file'), 1024)).rejects.toBeInstanceOf(FileMissingError);
    const sub = join(dir, 'sub');
    mkdirSync(sub);
    await expect(reader.read(sub, 1024)).rejects.toBeInstanceOf(NotAFileError);
    // A plain open of a FIFO would block the reader thread until a writer came; it is opened without
    // waiting and refused after the fstat.
    const fifo = join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    await expect(reader.read(fifo, 1024)).rejects.toBeInstanceOf(NotAFileError);
    // A link is never followed, even to a readable regular file.
    symlinkSync(join(dir, 'a.bin'), join(dir, 'link.bin'));
    await expect(reader.read(join(dir, 'link.bin'), 1024)).rejects.toThrow(/is a link/);
    expect((await reader.read(join(dir, 'a.bin'), 1024)).data?.toString()).toBe('some small file');
  });

  it('many reads at once each get their own file', async () => {
    const files = Array.from({ length: 50 }, (_, i) => {
      const file = join(dir, `m${i}.bin`);
      writeFileSync(file, `file number ${i}`);
      return file;
    });
    const reads = await Promise.all(files.map((f) => reader.read(f, 1024)));
    reads.forEach((r, i) => expect(r.data?.toString()).toBe(`file number ${i}`));
  });

  it('starts its thread for reads that come together, and none for one read at a time', async () => {
    const fresh = new SmallFileReader({ loneReadsHere });
    try {
      const started = () => (fresh as unknown as { thread: { running: boolean } }).thread.running;
      await fresh.read(join(dir, 'a.bin'), 1024);
      expect(started()).toBe(!loneReadsHere);
      await Promise.all([fresh.read(join(dir, 'a.bin'), 1024), fresh.read(join(dir, 'a.bin'), 1024)]);
      expect(started()).toBe(true);
    } finally {
      await fresh.stop();
    }
  });

  it('gives up at once when its signal aborts', async () => {
    const abort = new AbortController();
    abort.abort(new Error('paused'));
    await expect(reader.read(join(dir, 'a.bin'), 1, abort.signal)).rejects.toThrow('paused');
  });
});
