// Transfer ids: UUIDs of version 7 (RFC 9562), which sort in the order they were made. The journal
// indexes transfers by id and folder sync by transfer id; random ids (version 4) land on a different
// index page each, so queueing a big folder rewrote nearly a page of each index per file. Ids that grow
// append to the last page instead.
import { randomFillSync } from 'node:crypto';

/** Random bytes fetched in bulk (one call per 256 ids, not one per id). */
const pool = Buffer.allocUnsafe(16 * 256);
let poolAt = pool.length;
let lastMs = -Infinity;
/** Orders ids made within one millisecond (12 bits: rand_a of the UUID). */
let sequence = 0;

export function newTransferId(now: number = Date.now()): string {
  if (now > lastMs) {
    lastMs = now;
    sequence = 0;
  } else if (++sequence > 0xfff) {
    // 4,096 ids in one millisecond (or the clock went back): borrow the next millisecond.
    lastMs++;
    sequence = 0;
  }
  if (poolAt === pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  const bytes = pool.subarray(poolAt, (poolAt += 16));
  bytes.writeUIntBE(lastMs, 0, 6);
  bytes[6] = 0x70 | (sequence >> 8);
  bytes[7] = sequence & 0xff;
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
