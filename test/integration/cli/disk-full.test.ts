// `hoist upload` when the disk under its data folder fills mid-run (a 2 MiB tmpfs, 2,000 small files):
// a clear error naming the folder and a non-zero exit, never a hang; the same on a rerun while the disk
// is still full; and every file once space returns. Needs root to mount a tmpfs: skipped, saying so,
// elsewhere.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { hoist } from '../../support/hoist-cli.js';
import { startTestStack, type TestStack } from '../../support/stack.js';

const user = { username: 'fern', password: 'full disk passphrase 9' };
const canMount = process.platform === 'linux' && process.getuid?.() === 0;
if (!canMount) console.warn('disk-full.test.ts skipped: mounting a small tmpfs needs root on Linux');

let env: TestStack;
let work: string;
let mount: string;

beforeAll(async () => {
  if (!canMount) return;
  env = await startTestStack({ users: [user] });
  work = await mkdtemp(path.join(os.tmpdir(), 'hoist-disk-full-'));
  mount = path.join(work, 'tiny');
  mkdirSync(mount);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mount]);
});
afterAll(async () => {
  if (!canMount) return;
  execFileSync('umount', ['-l', mount]);
  await env?.close();
  await rm(work, { recursive: true, force: true });
});

it.skipIf(!canMount)(
  'stops with a clear error when the data folder’s disk fills, and finishes once there is room',
  async () => {
    const files = path.join(work, 'files');
    mkdirSync(files);
    for (let i = 0; i < 2000; i++) writeFileSync(path.join(files, `f${i}.txt`), `file ${i} `.repeat(12));
    const data = path.join(mount, 'data');
    const args = ['--data', data, '--broker', env.stack.brokerUrl, 'upload', files, '--json'];
    const options = { env: { HOIST_USERNAME: user.username, HOIST_PASSWORD: user.password }, timeoutMs: 90_000 };

    const first = await hoist(args, options);
    expect(first.signal, 'hung and was killed').toBeNull();
    expect(first.code).toBe(1);
    const report = JSON.parse(first.stdout) as { ok: boolean; error?: { code: string; message: string } };
    expect(report.ok).toBe(false);
    expect(report.error?.code).toBe('disk_full');
    expect(report.error?.message).toContain(data);

    const again = await hoist(
      args.filter((a) => a !== '--json'),
      options,
    );
    expect(again.signal, 'hung and was killed').toBeNull();
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(data);
    expect(again.stderr).toMatch(/disk holding .* is full/);
    expect(again.stderr).not.toMatch(/\n\s+at /);

    execFileSync('mount', ['-o', 'remount,size=64m', mount]);
    const last = await hoist(args, options);
    expect(last.code, last.stderr).toBe(0);
    const done = JSON.parse(last.stdout) as { ok: boolean; transfers: Array<{ state: string }> };
    expect(done.ok).toBe(true);
    expect(done.transfers.filter((t) => t.state === 'done')).toHaveLength(2000);
    const keys = await env.listKeys('uploads/');
    expect(new Set(keys.map((k) => k.split('/').slice(2).join('/'))).size).toBe(2000);
  },
);
