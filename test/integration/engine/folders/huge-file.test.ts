// A file over 5 GiB (S3's limit for one PUT) in a watched folder. It is sparse, so it costs no disk on
// this side, with distinct marks written where 31- and 32-bit offset arithmetic would go wrong and around
// the 5 GiB line. It must arrive as one multipart object of exactly its size, every part's CRC32 checked
// by the local cloud as it came in, its full-object CRC32 that of the file, and each mark read back from
// where it was written.
//
// The local cloud stores the object for real (about 5 GiB of disk): where the temp folder has less than
// 8 GiB free the test is skipped, and says so.
import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { closeSync, createReadStream, ftruncateSync, mkdirSync, openSync, statfsSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEFAULT_PART_SIZE, partSizeFor } from '../../../../electron/engine/transfers/plan.js';
import { type Env, makeSync, startEnv, type Sync } from './harness.js';

const GiB = 1024 ** 3;
const SIZE = 5 * GiB + 12_345;
const freeBytes = (() => {
  const fs = statfsSync(tmpdir());
  return fs.bavail * fs.bsize;
})();
const enoughDisk = freeBytes >= 8 * GiB;
if (!enoughDisk)
  console.warn(`huge-file test skipped: ${(freeBytes / GiB).toFixed(1)} GiB free in ${tmpdir()}, it needs 8 GiB`);

/** Offsets of the marks: the first bytes, either side of 2 GiB, 4 GiB and 5 GiB, and the last bytes. */
const MARKS = [0, 2 * GiB - 5, 4 * GiB - 5, 5 * GiB - 5, SIZE - 16];
const mark = (offset: number): Buffer => Buffer.from(`@${offset.toString(16).padStart(14, '0')}#`); // 16 bytes

let env: Env;
let s: Sync;
beforeAll(async () => {
  if (!enoughDisk) return;
  env = await startEnv();
  s = makeSync(env, { partsInParallel: 4 });
  await s.open();
});
afterAll(async () => {
  await s?.close();
  s?.remove();
  await env?.close();
});

it.skipIf(!enoughDisk)(
  'uploads a sparse file over 5 GiB as one multipart object, every byte where it was',
  async () => {
    const folder = join(s.home, 'Huge');
    mkdirSync(folder);
    const fd = openSync(join(folder, 'disk image.img'), 'w');
    try {
      ftruncateSync(fd, SIZE);
      for (const offset of MARKS) writeSync(fd, mark(offset), 0, 16, offset);
    } finally {
      closeSync(fd);
    }

    await s.sync.add(folder);
    await expect.poll(() => s.queue.list('done').length, { timeout: 240_000, interval: 500 }).toBe(1);
    await s.settle();
    expect(s.queue.list('failed')).toEqual([]);

    const key = `${s.prefix}Huge/disk image.img`;
    const head = await env.admin.send(
      new HeadObjectCommand({ Bucket: env.cloud.bucket, Key: key, ChecksumMode: 'ENABLED' }),
    );
    const parts = Math.ceil(SIZE / partSizeFor(SIZE, DEFAULT_PART_SIZE));
    expect(head.ContentLength).toBe(SIZE);
    expect(head.ETag).toMatch(new RegExp(`^"[0-9a-f]{32}-${parts}"$`));
    expect(head.ChecksumType).toBe('FULL_OBJECT');
    let fileCrc = 0;
    for await (const chunk of createReadStream(join(folder, 'disk image.img'), { highWaterMark: 8 * 1024 * 1024 }))
      fileCrc = crc32(chunk as Buffer, fileCrc);
    const expectedCrc = Buffer.alloc(4);
    expectedCrc.writeUInt32BE(fileCrc >>> 0);
    expect(head.ChecksumCRC32).toBe(expectedCrc.toString('base64'));
    expect(s.writes()).toEqual(['Huge/disk image.img']); // one CreateMultipartUpload, no PUT

    for (const offset of [...MARKS, 3 * GiB]) {
      const res = await env.admin.send(
        new GetObjectCommand({ Bucket: env.cloud.bucket, Key: key, Range: `bytes=${offset}-${offset + 15}` }),
      );
      const got = Buffer.from(await res.Body!.transformToByteArray());
      expect({ offset, got: got.toString('latin1') }).toEqual({
        offset,
        got: MARKS.includes(offset) ? mark(offset).toString('latin1') : '\0'.repeat(16),
      });
    }
  },
  300_000,
);
