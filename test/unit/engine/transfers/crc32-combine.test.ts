// The whole-object CRC32 from part CRC32s equals zlib's CRC32 of the bytes laid end to end.
import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32Combine, crc32OfParts } from '../../../../electron/engine/transfers/crc32-combine.js';

describe('crc32Combine', () => {
  it('matches the CRC32 of the concatenation for parts of many sizes', () => {
    for (const [a, b] of [
      [0, 0],
      [1, 0],
      [0, 1],
      [1, 1],
      [7, 13],
      [4096, 1],
      [65_537, 300_001],
      [5 * 1024 * 1024, 123],
    ]) {
      const left = randomBytes(a as number);
      const right = randomBytes(b as number);
      expect(crc32Combine(crc32(left), crc32(right), right.length), `${a}+${b}`).toBe(
        crc32(Buffer.concat([left, right])),
      );
    }
  });

  it('combines a list of parts in order', () => {
    const parts = [randomBytes(1000), randomBytes(5000), randomBytes(1), randomBytes(77_777)];
    expect(crc32OfParts(parts.map((p) => ({ crc: crc32(p), size: p.length })))).toBe(crc32(Buffer.concat(parts)));
  });

  it('handles lengths beyond 2^32 bytes (5 GiB parts) as zero-extension would', () => {
    // crc(A ‖ zeros(n)) by combining with the CRC of n zero bytes; n = 2^32 + 3 checked against 2^32 + 3 = (2^31) + (2^31) + 3.
    const zeros = (n: number) => crc32(Buffer.alloc(n));
    const a = crc32(Buffer.from('hoist'));
    const big = 2 ** 32 + 3;
    // The CRC of `big` zero bytes, built from pieces that fit in memory.
    let zerosBig = 0;
    const chunk = 2 ** 26;
    for (let done = 0; done < big;) {
      const n = Math.min(chunk, big - done);
      zerosBig = crc32Combine(zerosBig, n === chunk ? zeroChunk : zeros(n), n);
      done += n;
    }
    expect(crc32Combine(a, zerosBig, big)).toBe(
      crc32Combine(crc32Combine(a, zerosBig2(), 2 ** 31), crc32Combine(zerosBig2(), zeros(3), 3), 2 ** 31 + 3),
    );
  });
});

const zeroChunk = crc32(Buffer.alloc(2 ** 26));
/** CRC32 of 2^31 zero bytes. */
function zerosBig2(): number {
  let crc = 0;
  for (let i = 0; i < 2 ** 31 / 2 ** 26; i++) crc = crc32Combine(crc, zeroChunk, 2 ** 26);
  return crc;
}
