// Temporary files Hoist writes (electron/engine/platform/atomic-file.ts), on real files: created 0600,
// exclusively, never through a link planted where the temporary file goes, under a name nobody can guess.
import {
  closeSync,
  lstatSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import {
  createExclusive,
  temporaryNameFor,
  writeFileAtomic,
} from '../../../../electron/engine/platform/atomic-file.js';

const dir = mkdtempSync(join(tmpdir(), 'hoist-atomic-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('temporary files', () => {
  it('are created 0600 and only where nothing is yet', () => {
    const file = join(dir, 'fresh');
    closeSync(createExclusive(file));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(() => createExclusive(file)).toThrow(expect.objectContaining({ code: 'EEXIST' }));
  });

  it('never write through a link planted at their path, dangling or not', () => {
    const victim = join(dir, 'victim');
    writeFileSync(victim, 'precious');
    const planted = join(dir, 'planted');
    symlinkSync(victim, planted);
    expect(() => createExclusive(planted)).toThrow(expect.objectContaining({ code: 'EEXIST' }));
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    const dangling = join(dir, 'dangling');
    const wouldBeCreated = join(dir, 'created-through-link');
    symlinkSync(wouldBeCreated, dangling);
    expect(() => createExclusive(dangling)).toThrow(expect.objectContaining({ code: 'EEXIST' }));
    expect(() => lstatSync(wouldBeCreated)).toThrow(/ENOENT/);
  });

  it('have names nobody can guess', () => {
    const names = new Set(Array.from({ length: 100 }, () => temporaryNameFor(join(dir, 'settings.json'))));
    expect(names.size).toBe(100);
    for (const name of names) expect(name).toMatch(/settings\.json\.[0-9a-f]{32}\.tmp$/);
  });

  it('a whole-file write leaves the target 0600 and no temporary file, and follows no planted link', () => {
    const target = join(dir, 'ready.json');
    const victim = join(dir, 'victim-2');
    writeFileSync(victim, 'precious');
    // The clock held still: a name made of the process id and the clock would be exactly this one, and
    // a write through the link planted there would reach the victim.
    const at = Date.UTC(2026, 0, 1);
    vi.useFakeTimers({ toFake: ['Date'], now: at });
    symlinkSync(victim, `${target}.${process.pid}.${at}.tmp`);
    try {
      writeFileAtomic(target, '{"url":"http://127.0.0.1:1/#secret"}');
    } finally {
      vi.useRealTimers();
    }
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    expect(readFileSync(target, 'utf8')).toBe('{"url":"http://127.0.0.1:1/#secret"}');
    expect(statSync(target).mode & 0o777).toBe(0o600);
    expect(lstatSync(target).isSymbolicLink()).toBe(false);
    const left = readdirSync(dir).filter(
      (n) => n.startsWith('ready.json.') && !lstatSync(join(dir, n)).isSymbolicLink(),
    );
    expect(left).toEqual([]);
  });
});
