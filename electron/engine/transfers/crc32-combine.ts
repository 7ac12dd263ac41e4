// The CRC32 of a whole file from the CRC32s and sizes of its parts, without reading it again: zlib's
// crc32_combine (multiplying by x^(8·len) in GF(2), by repeated squaring). S3 computes a multipart
// upload's full-object checksum the same way, so the client can check S3's answer against its own.
// The local cloud has its own copy on purpose (server/local-cloud/s3/crc-combine.ts): a stand-in for S3
// that ran the client's code would agree with the client's mistakes instead of catching them.

/** CRC-32 (IEEE, reflected), as zlib and S3's CRC32. */
export const CRC32_POLYNOMIAL = 0xedb88320;

/** crc(A ‖ B) from crc(A), crc(B) and the length of B in bytes (any size up to 2^53). */
export function crc32Combine(crcA: number, crcB: number, lengthB: number, polynomial = CRC32_POLYNOMIAL): number {
  if (lengthB <= 0) return crcA >>> 0;
  const even = new Array<number>(32);
  const odd = new Array<number>(32);
  // odd: the operator for one zero bit.
  odd[0] = polynomial;
  for (let n = 1, row = 1; n < 32; n++, row <<= 1) odd[n] = row;
  square(even, odd); // two zero bits
  square(odd, even); // four zero bits
  let crc = crcA >>> 0;
  let remaining = lengthB;
  // Apply len·8 zero bits: one squaring per bit of the length (from one zero byte up).
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

/** The CRC32 of parts laid end to end, in order. */
export function crc32OfParts(
  parts: ReadonlyArray<{ crc: number; size: number }>,
  polynomial = CRC32_POLYNOMIAL,
): number {
  let crc = 0;
  for (const part of parts) crc = crc32Combine(crc, part.crc, part.size, polynomial);
  return crc;
}

function times(matrix: number[], vector: number): number {
  let sum = 0;
  for (let i = 0, v = vector >>> 0; v !== 0; i++, v >>>= 1) if (v & 1) sum ^= matrix[i] as number;
  return sum >>> 0;
}

function square(result: number[], matrix: number[]): void {
  for (let n = 0; n < 32; n++) result[n] = times(matrix, matrix[n] as number);
}
