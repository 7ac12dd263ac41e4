// The daemon's path handling: static files never leave the renderer build, staged names never leave
// their batch folder, whatever the browser sends.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveStatic } from '../../../electron/daemon/static.js';
import { sanitiseRelativePath, sanitiseSegment } from '../../../electron/daemon/stage.js';
import { allowedHosts, tokenMatches } from '../../../electron/daemon/security.js';

const root = path.resolve('/srv/hoist/renderer/dist');

describe('resolveStatic', () => {
  it('maps / to index.html and files under the root', () => {
    expect(resolveStatic(root, '/')).toBe(path.join(root, 'index.html'));
    expect(resolveStatic(root, '/assets/index-abc.js')).toBe(path.join(root, 'assets/index-abc.js'));
  });
  it('refuses anything that would leave the root', () => {
    for (const attempt of [
      '/../secret',
      '/assets/../../secret',
      '/%2e%2e/secret',
      '/..%2fsecret',
      '/a%00b',
      '/%E0%A4%A',
      '/..',
    ]) {
      const resolved = resolveStatic(root, attempt);
      expect(resolved === undefined || resolved.startsWith(root + path.sep), attempt).toBe(true);
    }
  });
});

describe('staging names', () => {
  it('keeps ordinary names and folder shape', () => {
    expect(sanitiseRelativePath('Photos/2026/a.jpg')).toEqual(['Photos', '2026', 'a.jpg']);
    expect(sanitiseRelativePath('résumé final.pdf')).toEqual(['résumé final.pdf']);
  });
  it('drops traversal and makes every segment safe', () => {
    expect(sanitiseRelativePath('../../etc/passwd')).toEqual(['etc', 'passwd']);
    expect(sanitiseRelativePath('a\\..\\..\\b')).toEqual(['a', 'b']);
    expect(sanitiseRelativePath('/abs/path')).toEqual(['abs', 'path']);
    expect(sanitiseRelativePath('')).toBeUndefined();
    expect(sanitiseRelativePath('../..')).toBeUndefined();
    expect(sanitiseSegment('con\u0000trol\u001f:*?"<>|')).toBe('con_trol________');
    expect(sanitiseSegment('...')).toBe('file');
    expect(sanitiseSegment(' .hidden ')).toBe('hidden');
    expect(sanitiseSegment('x'.repeat(500))).toHaveLength(200);
    expect(sanitiseRelativePath(Array(65).fill('d').join('/'))).toBeUndefined();
  });
});

describe('tokens and hosts', () => {
  it('compares tokens exactly', () => {
    expect(tokenMatches('abc', 'abc')).toBe(true);
    expect(tokenMatches('abd', 'abc')).toBe(false);
    expect(tokenMatches('ab', 'abc')).toBe(false);
    expect(tokenMatches(undefined, 'abc')).toBe(false);
  });
  it('knows only loopback names with our port', () => {
    expect([...allowedHosts(4100)]).toEqual(['127.0.0.1:4100', 'localhost:4100']);
  });
});
