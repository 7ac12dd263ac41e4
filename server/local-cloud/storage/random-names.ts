// Random names and ids (temp files, blobs, request ids) cut from one pool of random bytes, refilled
// rarely: a crypto call per name costs more than the name is worth on a busy request path.
import { randomFillSync } from 'node:crypto';

const POOL_BYTES = 4096;
const pool = Buffer.alloc(POOL_BYTES);
let used = POOL_BYTES;

function take(bytes: number): Buffer {
  if (used + bytes > POOL_BYTES) {
    randomFillSync(pool);
    used = 0;
  }
  const slice = pool.subarray(used, used + bytes);
  used += bytes;
  return slice;
}

/** `bytes` random bytes as hex (2 × bytes characters). */
export const randomHex = (bytes: number): string => take(bytes).toString('hex');

/** `bytes` random bytes as base64. */
export const randomBase64 = (bytes: number): string => take(bytes).toString('base64');
