// An unreadable file in a watched folder is reported, the rest uploads, and it follows on the next
// scan once readable. Root reads files whatever their mode, so when the tests run as root the
// scenario runs in a process the kernel refuses a mode-000 file (test/support/unprivileged.ts): this
// file runs itself again in a child vitest as root without its file-permission override (which reads
// the checkout wherever it lives, even under a private 0700 folder), or else this worker drops to
// "nobody" when nobody can load the checkout. The permission check is the kernel's, not a simulation.
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { unprivileged } from '../../../support/unprivileged.js';
import { type Env, makeSync, startEnv, type Sync } from './harness.js';

const INNER = 'HOIST_TEST_UNREADABLE_INNER';
const how = process.getuid?.() === 0 && !process.env[INNER] ? unprivileged() : ({ kind: 'self' } as const);
const here = fileURLToPath(import.meta.url);
const checkout = fileURLToPath(new URL('../../../../', import.meta.url));

let env: Env | undefined;
let s: Sync | undefined;

if (how.kind === 'none') {
  console.warn(`skipping unreadable.test.ts: ${how.reason}`);
  it.skip(`reports an unreadable file and uploads it on the next scan once readable (skipped: ${how.reason})`, () => {});
} else if (how.kind === 'no-override') {
  it('reports an unreadable file and uploads it on the next scan once readable (as root without its file-permission override)', async () => {
    const vitest = join(createRequire(import.meta.url).resolve('vitest/package.json'), '..', 'vitest.mjs');
    const childEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST')));
    const [command, args] = how.wrap(process.execPath, [vitest, 'run', '--project', 'integration', here]);
    const child = spawn(command, args, {
      cwd: checkout,
      env: { ...childEnv, [INNER]: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d));
    child.stderr.on('data', (d: Buffer) => (output += d));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code, output).toBe(0);
    expect(output, output).toMatch(/tests: 1 passed, 0 failed, 0 skipped/);
  });
} else {
  beforeAll(async () => {
    if (how.kind === 'nobody') {
      process.setgid!(how.gid);
      process.setuid!(how.uid);
    }
    env = await startEnv();
  });
  afterAll(async () => {
    await s?.close().catch(() => {});
    s?.remove();
    await env?.close();
  });

  it('reports an unreadable file and uploads it on the next scan once readable', async () => {
    s = makeSync(env!);
    await s.open();
    const root = join(s.home, 'Locked');
    mkdirSync(root);
    writeFileSync(join(root, 'ok.txt'), 'ok');
    writeFileSync(join(root, 'locked.txt'), 'secret');
    chmodSync(join(root, 'locked.txt'), 0o000);
    // The arrangement holds: this process (and so the engine in it) is refused the file.
    expect(() => readFileSync(join(root, 'locked.txt'))).toThrow(expect.objectContaining({ code: 'EACCES' }));
    const folder = await s.sync.add(root);
    await s.settle();
    expect(await s.keys()).toEqual(['Locked/ok.txt']);
    expect(s.sync.problems(folder.id)).toEqual([
      expect.objectContaining({ relative: 'locked.txt', kind: 'unreadable' }),
    ]);
    chmodSync(join(root, 'locked.txt'), 0o644);
    await s.sync.rescanAll();
    await expect.poll(() => s!.keys(), { timeout: 30_000 }).toEqual(['Locked/locked.txt', 'Locked/ok.txt']);
    await s.settle();
    expect(s.sync.problems(folder.id)).toEqual([]);
  });
}
