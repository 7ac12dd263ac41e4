// Object keys: the destination is relative to the identity's prefix and must never escape it
// (DESIGN.md §3). The role policy would refuse such a write anyway; we refuse it first, with a reason.
export const MAX_KEY_BYTES = 1024;

export type KeyResult = { ok: true; key: string } | { ok: false; reason: string };

export function objectKeyFor(keyPrefix: string, destination: string): KeyResult {
  if (destination.length === 0) return { ok: false, reason: 'the destination is empty' };
  if (destination.includes('\0')) return { ok: false, reason: 'the destination contains a NUL byte' };
  if (destination.startsWith('/')) return { ok: false, reason: 'the destination must be relative (it starts with "/")' };
  if (destination.includes('\\')) return { ok: false, reason: 'the destination contains a backslash' };
  const segments = destination.split('/');
  if (segments.some((s) => s === '..' || s === '.')) return { ok: false, reason: 'the destination contains "." or ".." segments' };
  if (segments.some((s) => s === '')) return { ok: false, reason: 'the destination contains an empty path segment' };
  const key = keyPrefix + destination;
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) return { ok: false, reason: `the object key would exceed ${MAX_KEY_BYTES} bytes` };
  return { ok: true, key };
}
