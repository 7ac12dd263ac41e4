import { describe, expect, it } from 'vitest';
import { decodeName, folderDestination } from '../../../../electron/engine/keys/file-names.js';
import { checkLabel, defaultLabel, uniqueLabel } from '../../../../electron/engine/folders/labels.js';

const ok = (label: string, relative: string) => {
  const result = folderDestination(label, relative);
  if (!result.ok) throw new Error(result.reason);
  return result.destination;
};

describe('folder keys', () => {
  it('joins label and relative path with "/"', () => {
    expect(ok('Photos', '2026/trip/a.jpg')).toBe('Photos/2026/trip/a.jpg');
  });

  it('keeps emoji, spaces and leading dashes as they are', () => {
    expect(ok('Photos', 'holiday 🏖️/-rf .jpg')).toBe('Photos/holiday 🏖️/-rf .jpg');
    expect(ok('Photos', '--help')).toBe('Photos/--help');
  });

  it('normalizes combining characters to NFC', () => {
    const nfd = 'Cafe\u0301/re\u0301sume\u0301.txt';
    const key = ok('Docs', nfd);
    expect(key).toBe('Docs/Caf\u00e9/r\u00e9sum\u00e9.txt');
    expect(key).toBe(key.normalize('NFC'));
    expect(ok('Docs', 'Caf\u00e9/r\u00e9sum\u00e9.txt')).toBe(key);
  });

  it('reports control characters instead of removing them', () => {
    const result = folderDestination('Docs', 'bad\u0007name.txt');
    expect(result).toEqual({ ok: false, reason: expect.stringMatching(/control characters/) });
  });

  it('reports names too long for a key', () => {
    const long = `${'a'.repeat(200)}/`.repeat(5) + 'file.txt';
    expect(folderDestination('Docs', long)).toEqual({ ok: false, reason: expect.stringMatching(/too long/) });
    // multi-byte characters count in bytes, not characters
    expect(folderDestination('Docs', '€'.repeat(330))).toEqual({
      ok: false,
      reason: expect.stringMatching(/too long/),
    });
    expect(folderDestination('Docs', '€'.repeat(250)).ok).toBe(true);
  });

  it('reports lone surrogates (not encodable as UTF-8)', () => {
    expect(folderDestination('Docs', 'x\ud800y').ok).toBe(false);
  });

  it('decodes valid UTF-8 names and refuses invalid bytes', () => {
    expect(decodeName(Buffer.from('caf\u00e9 🏖️.txt', 'utf8'))).toEqual({ ok: true, name: 'caf\u00e9 🏖️.txt' });
    const bad = Buffer.concat([Buffer.from('bad'), Buffer.from([0xff, 0xfe]), Buffer.from('.txt')]);
    const decoded = decodeName(bad);
    expect(decoded.ok).toBe(false);
    expect(decoded.ok ? '' : decoded.display).toBe('bad\ufffd\ufffd.txt');
    // Latin-1 "é" on its own is not UTF-8
    expect(decodeName(Buffer.from([0x63, 0x61, 0x66, 0xe9])).ok).toBe(false);
  });
});

describe('folder labels', () => {
  it('makes labels unique, case-insensitively', () => {
    expect(uniqueLabel('Photos', [])).toBe('Photos');
    expect(uniqueLabel('Photos', ['Photos'])).toBe('Photos (2)');
    expect(uniqueLabel('Photos', ['photos', 'Photos (2)'])).toBe('Photos (3)');
  });

  it('defaults to the folder name, or "Folder" when that is no label', () => {
    expect(defaultLabel('/home/me/Pictures')).toBe('Pictures');
    expect(defaultLabel('/')).toBe('Folder');
    expect(defaultLabel('/home/me/Cafe\u0301')).toBe('Caf\u00e9');
  });

  it('refuses labels that could not be a key segment', () => {
    expect(checkLabel('a/b')).toBeDefined();
    expect(checkLabel('..')).toBeDefined();
    expect(checkLabel(' padded')).toBeDefined();
    expect(checkLabel('tab\there')).toBeDefined();
    expect(checkLabel('Photos 2026')).toBeUndefined();
  });
});
