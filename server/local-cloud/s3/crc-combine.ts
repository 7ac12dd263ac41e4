// Full-object CRC checksums of multipart uploads, as S3 makes them: the CRC of the whole object from
// the part CRCs and part sizes (zlib's crc32_combine: multiply by x^(8·len) in GF(2) by repeated
// squaring), so Complete never reads object data. Written apart from the client's own combine on purpose:
// a stand-in for S3 that ran the client's code would agree with the client's mistakes instead of catching them.
import type { ChecksumAlgorithm } from './checksums.js';

/** Reflected polynomials of the CRCs S3 allows as FULL_OBJECT here. */
const POLYNOMIALS: Partial<Record<ChecksumAlgorithm, number>> = { CRC32: 0xedb88320, CRC32C: 0x82f63b78 };

export const fullObjectAlgorithms = (): ChecksumAlgorithm[] => Object.keys(POLYNOMIALS) as ChecksumAlgorithm[];

/** base64 of the CRC of the parts laid end to end (each part: base64 CRC and size). */
export function combinedCrc(
  algorithm: ChecksumAlgorithm,
  parts: ReadonlyArray<{ checksum: string; size: number }>,
): string {
  const polynomial = POLYNOMIALS[algorithm];
  if (polynomial === undefined) throw new Error(`${algorithm} has no full-object form here`);
  let crc = 0;
  for (const part of parts)
    crc = combine(crc, Buffer.from(part.checksum, 'base64').readUInt32BE(0), part.size, polynomial);
  const out = Buffer.alloc(4);
  out.writeUInt32BE(crc >>> 0);
  return out.toString('base64');
}

function combine(crcA: number, crcB: number, lengthB: number, polynomial: number): number {
  if (lengthB <= 0) return crcA >>> 0;
  const even = new Array<number>(32);
  const odd = new Array<number>(32);
  odd[0] = polynomial;
  for (let n = 1, row = 1; n < 32; n++, row <<= 1) odd[n] = row;
  square(even, odd);
  square(odd, even);
  let crc = crcA >>> 0;
  let remaining = lengthB;
  for (;;) {
    square(even, odd);
    if (remaining % 2 === 1) crc = times(even, crc);
    remaining = Math.floor(remaining / 2);
    if (remaining === 0) break;
    square(odd, even);
    if (remaining % 2 === 1) crc = times(odd, crc);
    remaining = Math.floor(remaining / 2);
    if (remaining === 0) break;
  }
  return (crc ^ crcB) >>> 0;
}

function times(matrix: number[], vector: number): number {
  let sum = 0;
  for (let i = 0, v = vector >>> 0; v !== 0; i++, v >>>= 1) if (v & 1) sum ^= matrix[i] as number;
  return sum >>> 0;
}

function square(result: number[], matrix: number[]): void {
  for (let n = 0; n < 32; n++) result[n] = times(matrix, matrix[n] as number);
}
