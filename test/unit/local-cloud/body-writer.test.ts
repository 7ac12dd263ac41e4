// The body writer against a real temp folder: direct (O_DIRECT, aligned staging buffers) and buffered paths
// write exactly the bytes given, whatever the piece sizes and the final length.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DIRECT_MIN_BYTES, openBodyWriter } from '../../../server/local-cloud/storage/body-writer.js';

const dir = mkdtempSync(join(tmpdir(), 'body-writer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MiB = 1024 * 1024;
let n = 0;

async function roundTrip(size: number, piece: number): Promise<void> {
  const data = randomBytes(size);
  const path = join(dir, `f${n++}`);
  const writer = await openBodyWriter(path, size);
  for (let offset = 0; offset < size; offset += piece) {
    const wait = writer.write(data.subarray(offset, Math.min(size, offset + piece)));
    if (wait) await wait;
  }
  await writer.finish();
  const back = readFileSync(path);
  expect(back.length).toBe(size);
  expect(back.equals(data)).toBe(true);
}

describe('body writer', () => {
  it('writes small bodies buffered, byte for byte', async () => {
    await roundTrip(0, 1);
    await roundTrip(1, 1);
    await roundTrip(100_000, 65_536);
  });

  it('writes large bodies exactly: aligned, unaligned, pieces straddling the staging buffers', async () => {
    await roundTrip(DIRECT_MIN_BYTES, 65_536);
    await roundTrip(DIRECT_MIN_BYTES + 1, 65_536);
    await roundTrip(13 * MiB + 4095, 3 * MiB + 7); // pieces larger than what is left in a staging buffer
    await roundTrip(9 * MiB + 4097, 1000);
  });

  it('abort closes the file without finishing it', async () => {
    const path = join(dir, 'aborted');
    const writer = await openBodyWriter(path, 8 * MiB);
    writer.write(randomBytes(MiB));
    await writer.abort();
    await roundTrip(8 * MiB, MiB); // the staging buffers went back to the pool in a usable state
  });
});
