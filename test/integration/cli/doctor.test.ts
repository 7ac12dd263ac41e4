// `hoist doctor` against a real local stack: asked of a running `hoist sync` when one runs (healthy, the
// sign-in service gone, the cloud's clock 30 minutes off), and checking from its own process when none
// does (an unreadable data folder). One line per check; exit 1 only for a problem.
import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DiagnosticCheck } from '../../../electron/common/contract.js';
import { hoist, startHoist, type CliRun } from '../../support/hoist-cli.js';
import { pollUntil } from '../../support/poll.js';
import { startTestStack, type TestStack } from '../../support/stack.js';
import { unprivileged } from '../../support/unprivileged.js';

const user = { username: 'doc', password: 'a passphrase for the doctor' };
const signedIn = { HOIST_USERNAME: user.username, HOIST_PASSWORD: user.password };
let work: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'hoist-doctor-'));
});
afterAll(async () => {
  await chmod(path.join(work, 'locked'), 0o700).catch(() => undefined);
  await rm(work, { recursive: true, force: true });
});

/** `hoist sync` on an empty folder, signed in and listening on its control socket. */
async function startSync(data: string, env: TestStack): Promise<CliRun> {
  const dir = path.join(data, '..', `${path.basename(data)}-watched`);
  await mkdir(dir, { recursive: true });
  const sync = startHoist(['--data', data, '--broker', env.stack.brokerUrl, 'sync', dir], {
    env: signedIn,
    timeoutMs: 110_000,
  });
  let stderr = '';
  sync.child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const ready = await pollUntil(() => stderr.includes('Press Ctrl-C to stop') || sync.child.exitCode !== null, {
    timeoutMs: 60_000,
    intervalMs: 100,
  });
  expect(ready && sync.child.exitCode === null, stderr).toBe(true);
  return sync;
}

async function stop(sync: CliRun): Promise<void> {
  sync.child.kill('SIGTERM');
  await sync.result;
}

async function doctor(data: string, extra: string[] = [], options = {}) {
  const r = await hoist(['--data', data, ...extra, 'doctor', '--json'], options);
  const checks = JSON.parse(r.stdout || '[]') as DiagnosticCheck[];
  const byId = Object.fromEntries(checks.map((c) => [c.id, c])) as Record<DiagnosticCheck['id'], DiagnosticCheck>;
  return { ...r, checks, byId };
}

it('finds everything in order on a healthy stack: one line per check, all ok, exit 0', async () => {
  const env = await startTestStack({ users: [user] });
  const data = path.join(work, 'healthy');
  const sync = await startSync(data, env);
  try {
    const r = await doctor(data);
    expect(r.code, r.stderr).toBe(0);
    expect(r.checks.map((c) => c.id)).toEqual([
      'keychain',
      'broker',
      'clock',
      'state-db',
      'data-folder',
      'watcher',
      'network',
    ]);
    for (const c of r.checks) expect(c.status, `${c.name}: ${c.detail}`).toBe('ok');
    expect(r.byId.broker.detail).toContain(new URL(env.stack.brokerUrl).host);
    expect(Math.abs(r.byId.clock.offsetSeconds!)).toBeLessThanOrEqual(2);

    // The same for people: a line each, and the verdict.
    const text = await hoist(['--data', data, 'doctor']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^Checked by the Hoist running on /m);
    expect(text.stdout).toMatch(
      /^ok +Sign-in service +the sign-in service at 127\.0\.0\.1:\d+ answers its health check$/m,
    );
    expect(text.stdout).toMatch(/^Everything is in order\.$/m);
  } finally {
    await stop(sync);
    await env.close();
  }
});

it('says the sign-in service cannot be reached, and what to do, when it goes down (exit 1)', async () => {
  const env = await startTestStack({ users: [user] });
  const data = path.join(work, 'broker-down');
  const sync = await startSync(data, env);
  try {
    await env.close();
    const r = await doctor(data);
    expect(r.code, r.stdout).toBe(1);
    expect(r.byId.broker.status).toBe('problem');
    expect(r.byId.broker.detail).toMatch(/^the sign-in service at 127\.0\.0\.1:\d+ cannot be reached: .*ECONNREFUSED/);
    expect(r.byId.broker.fix).toMatch(/Check your network connection/);
    // Nothing else is called a problem (S3 going with it is a warning: the clock could not be compared).
    expect(r.checks.filter((c) => c.status === 'problem').map((c) => c.id)).toEqual(['broker']);

    const text = await hoist(['--data', data, 'doctor']);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/^PROBLEM +Sign-in service +the sign-in service at .+ cannot be reached/m);
    expect(text.stdout).toMatch(/^ +fix: Check your network connection/m);
    expect(text.stdout).toMatch(/^1 problem found/m);
  } finally {
    await stop(sync);
  }
});

it('reports how far the clock is from S3’s when the cloud’s clock is 30 minutes behind (exit 1)', async () => {
  const env = await startTestStack({ users: [user], clockOffsetSeconds: -1800 });
  const data = path.join(work, 'skewed');
  const sync = await startSync(data, env);
  try {
    const r = await doctor(data);
    expect(r.code, r.stdout).toBe(1);
    expect(r.byId.clock.status).toBe('problem');
    expect(r.byId.clock.offsetSeconds).toBeGreaterThanOrEqual(-1802);
    expect(r.byId.clock.offsetSeconds).toBeLessThanOrEqual(-1798);
    expect(r.byId.clock.detail).toMatch(/^this computer's clock is 30 minutes ahead of S3's \(127\.0\.0\.1:\d+\)/);
    expect(r.byId.clock.fix).toMatch(/automatic time/);
    expect(r.checks.filter((c) => c.status === 'problem').map((c) => c.id)).toEqual(['clock']);
  } finally {
    await stop(sync);
    await env.close();
  }
});

it('says the data folder cannot be read, and how to make it yours, when it is mode 000 (exit 1)', async (context) => {
  const how = unprivileged();
  if (how.kind === 'none') return context.skip(how.reason);
  const data = path.join(work, 'locked');
  await mkdir(data, { recursive: true });
  await chmod(data, 0o000);
  const r = await doctor(data, [], { unprivileged: true });
  expect(r.code, r.stderr).toBe(1);
  expect(r.byId['data-folder'].status).toBe('problem');
  expect(r.byId['data-folder'].detail).toBe(`Hoist cannot read and write ${data} (EACCES)`);
  expect(r.byId['data-folder'].fix).toMatch(/^Make it yours and private: `chown -R "\$USER" .+ && chmod 700 .+`/);
});
