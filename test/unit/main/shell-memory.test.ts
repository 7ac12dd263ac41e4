// "Closing the window keeps Hoist running" is said once, and remembered across starts in shell.json
// (electron/main/shell-memory.ts), on real files in a temporary folder.
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openShellMemory, shellMemoryFile } from '../../../electron/main/shell-memory.js';

let dir: string;
beforeEach(() => void (dir = mkdtempSync(path.join(tmpdir(), 'hoist-shell-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it('says it the first time only, also after a restart', () => {
  const memory = openShellMemory(dir);
  expect(memory.told('close-to-tray')).toBe(false);
  expect(memory.tellOnce('close-to-tray')).toBe(true);
  expect(memory.tellOnce('close-to-tray')).toBe(false);
  expect(JSON.parse(readFileSync(shellMemoryFile(dir), 'utf8'))).toEqual({ told: ['close-to-tray'] });
  const afterRestart = openShellMemory(dir);
  expect(afterRestart.told('close-to-tray')).toBe(true);
  expect(afterRestart.tellOnce('close-to-tray')).toBe(false);
});

it('treats a damaged file as nothing said, reports it, and writes a good one', () => {
  writeFileSync(shellMemoryFile(dir), '{not json');
  const errors: unknown[] = [];
  const memory = openShellMemory(dir, (e) => errors.push(e));
  expect(errors).toHaveLength(1);
  expect(memory.tellOnce('close-to-tray')).toBe(true);
  expect(openShellMemory(dir).told('close-to-tray')).toBe(true);
});

it.skipIf(process.getuid?.() === 0)('still says it once in this run when the file cannot be written', () => {
  chmodSync(dir, 0o500);
  try {
    const errors: unknown[] = [];
    const memory = openShellMemory(dir, (e) => errors.push(e));
    expect(memory.tellOnce('close-to-tray')).toBe(true);
    expect(memory.tellOnce('close-to-tray')).toBe(false);
    expect(errors).toHaveLength(1);
  } finally {
    chmodSync(dir, 0o700);
  }
});
