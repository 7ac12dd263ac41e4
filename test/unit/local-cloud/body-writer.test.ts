// The body writer against a real temp folder: direct (O_DIRECT, aligned staging buffers) and buffered paths
// write exactly the bytes given, whatever the piece sizes and the final length; large bodies' staging blocks
// hashed on the hasher thread give node's digests.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { DIRECT_MIN_BYTES, openBodyWriter } from '../../../server/local-cloud/storage/body-writer.js';
import { startHashJob } from '../../../server/local-cloud/storage/hasher.js';
import { sha256 } from '../../support/digest.js';

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

describe('large bodies hashed from their staging blocks', () => {
  it('hands every byte to onBlock in order, on shared memory, and the hasher thread digests them as node does', async () => {
    const size = 13 * MiB + 4095;
    const data = randomBytes(size);
    const job = startHashJob(['md5', 'sha256', 'sha1', 'crc32']);
    const seen: Buffer[] = [];
    const writer = await openBodyWriter(join(dir, 'hashed'), size, async (block) => {
      expect(block.buffer).toBeInstanceOf(SharedArrayBuffer);
      seen.push(Buffer.from(block)); // a copy: the staging buffer is reused afterwards
      await job.update(block);
    });
    for (let offset = 0; offset < size; offset += 3 * MiB + 7) {
      const wait = writer.write(data.subarray(offset, Math.min(size, offset + 3 * MiB + 7)));
      if (wait) await wait;
    }
    await writer.finish();
    const digests = await job.digest();
    expect(readFileSync(join(dir, 'hashed')).equals(data)).toBe(true);
    if (!writer.blocksHandled) return; // no O_DIRECT on this file system: the caller hashes inline
    expect(Buffer.concat(seen).equals(data)).toBe(true);
    expect(digests.get('md5')!.toString('hex')).toBe(createHash('md5').update(data).digest('hex'));
    expect(digests.get('sha256')!.toString('hex')).toBe(sha256(data));
    expect(digests.get('sha1')!.equals(createHash('sha1').update(data).digest())).toBe(true);
    expect(digests.get('crc32')!.readUInt32BE(0)).toBe(crc32(data) >>> 0);
  });

  it('a dropped job settles what was waiting for it, and jobs in parallel keep their own state', async () => {
    const memory = new SharedArrayBuffer(4 * MiB);
    const block = new Uint8Array(memory);
    randomBytes(4 * MiB).copy(block);
    const [a, b] = [startHashJob(['md5']), startHashJob(['md5'])];
    await Promise.all([a.update(block), b.update(block.subarray(0, MiB))]);
    const [da, db] = await Promise.all([a.digest(), b.digest()]);
    expect(da.get('md5')!.toString('hex')).toBe(createHash('md5').update(block).digest('hex'));
    expect(db.get('md5')!.toString('hex')).toBe(createHash('md5').update(block.subarray(0, MiB)).digest('hex'));
    const c = startHashJob(['crc32']);
    const pending = c.update(block);
    c.drop();
    await pending.catch(() => undefined); // settles either way, never hangs
    await expect(c.update(block)).rejects.toThrow();
    await expect(startHashJob(['md5']).update(new Uint8Array(8))).rejects.toThrow(/shared memory/);
  });
});
