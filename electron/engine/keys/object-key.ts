// Object keys: the destination is relative to the identity's prefix and must never escape it
// (docs/ARCHITECTURE.md, Data safety: keys stay under uploads/<identity id>/). The role policy would
// refuse such a write anyway; we refuse it first, with a reason.
import { checkRelativeKey, maxKeyBytes } from './relative-key.js';

export const MAX_KEY_BYTES = maxKeyBytes;

export type KeyResult = { ok: true; key: string } | { ok: false; reason: string };

export function objectKeyFor(keyPrefix: string, destination: string): KeyResult {
  const problem = checkRelativeKey(destination, MAX_KEY_BYTES - Buffer.byteLength(keyPrefix, 'utf8'));
  return problem ? { ok: false, reason: problem } : { ok: true, key: keyPrefix + destination };
}
