import { describe, expect, it } from 'vitest';
import { objectKeyFor } from '../../../../electron/engine/keys/object-key.js';

const prefix = 'uploads/us-east-1:abc/';

describe('object keys', () => {
  it('joins the prefix and a relative destination', () => {
    expect(objectKeyFor(prefix, 'Photos/2026/a b.jpg')).toEqual({ ok: true, key: `${prefix}Photos/2026/a b.jpg` });
  });

  it.each(['../x', 'a/../../x', 'a/./b', '/etc/passwd', 'a\0b', '', 'a//b', 'a\\..\\b'])('refuses %j', (dest) => {
    const r = objectKeyFor(prefix, dest);
    expect(r.ok).toBe(false);
  });

  it('refuses keys over 1024 bytes of UTF-8', () => {
    expect(objectKeyFor(prefix, 'é'.repeat(600)).ok).toBe(false);
    expect(objectKeyFor(prefix, 'a'.repeat(1024 - prefix.length)).ok).toBe(true);
    expect(objectKeyFor(prefix, 'a'.repeat(1025 - prefix.length)).ok).toBe(false);
  });
});
