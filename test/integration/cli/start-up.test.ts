// What `hoist --help` loads: the parser and nothing of what the commands need (the engine, the SDK,
// SQLite, the setting schemas), which are loaded when a command runs. Start-up time is a benchmark
// figure (test/bench), not asserted here; what is checked is which modules load.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const entry = new URL('../../../electron/cli/index.ts', import.meta.url).pathname;
const recorder = new URL('./fixtures/module-recorder.mjs', import.meta.url).href;
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'hoist-start-up-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

let runs = 0;
async function modulesLoadedBy(args: string[]): Promise<{ code: number | null; stdout: string; modules: string[] }> {
  const log = path.join(dir, `modules-${runs++}.txt`);
  const child = spawn(process.execPath, ['--import', tsx, '--import', recorder, entry, ...args], {
    env: { ...process.env, HOIST_TEST_MODULE_LOG: log },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const modules = (await readFile(log, 'utf8')).split('\n').filter(Boolean);
  return { code, stdout, modules };
}

const heavy = [
  '/electron/engine/',
  '/electron/host/',
  '/electron/rpc/',
  '/node_modules/zod/',
  '/node_modules/@aws-sdk/',
  '/node_modules/better-sqlite3/',
];

describe('hoist start-up', () => {
  it('loads only the command-line parser for --help', async () => {
    const { code, stdout, modules } = await modulesLoadedBy(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: hoist');
    expect(stdout).toContain('sync [options] <dir...>');
    expect(modules.some((m) => m.includes('/node_modules/commander/'))).toBe(true);
    expect(modules.filter((m) => heavy.some((h) => m.includes(h)))).toEqual([]);
  }, 60_000);

  it('loads the setting keys for a command that takes them (the recorder sees what loads)', async () => {
    const { code, stdout, modules } = await modulesLoadedBy(['upload', '--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('--bwlimit <size>');
    expect(modules.some((m) => m.includes('/node_modules/zod/'))).toBe(true);
  }, 60_000);
});
