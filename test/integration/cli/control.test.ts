// Steering a running `hoist upload` from another `hoist` process over the control socket.
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startHoist, type CliRun } from '../../support/hoist-cli.js';
import { sha256, startTestStack, type TestStack } from '../../support/stack.js';

const user = { username: 'gina', password: 'control socket passphrase' };
let env: TestStack;
let work: string;

beforeAll(async () => {
  env = await startTestStack({ users: [user] });
  work = await mkdtemp(path.join(os.tmpdir(), 'hoist-control-'));
});
afterAll(async () => {
  await env?.close();
  await rm(work, { recursive: true, force: true });
});

function start(args: string[]): CliRun {
  return startHoist(args, {
    env: { HOIST_USERNAME: user.username, HOIST_PASSWORD: user.password },
    timeoutMs: 110_000,
  });
}

interface Status {
  transfers: Array<{ id: string; state: string; bytesDone: number; destination: string }>;
  totals: { pausedAll: boolean };
}

async function status(data: string): Promise<Status | undefined> {
  const { result } = start(['--data', data, 'status', '--json']);
  const r = await result;
  return r.code === 0 ? (JSON.parse(r.stdout) as Status) : undefined;
}

it('pauses and resumes a running upload from another process', async () => {
  const data = path.join(work, 'state');
  await mkdir(data, { recursive: true });
  // A bandwidth cap keeps the upload running long enough to steer it.
  await writeFile(path.join(data, 'settings.json'), JSON.stringify({ bandwidthLimit: 2 * 1024 * 1024 }));
  const content = randomBytes(10 * 1024 * 1024);
  const file = path.join(work, 'steered.bin');
  await writeFile(file, content);

  const upload = start(['--data', data, '--broker', env.stack.brokerUrl, 'upload', file, '--json']);
  await expect
    .poll(async () => (await status(data))?.transfers[0]?.bytesDone ?? 0, { timeout: 30_000, interval: 300 })
    .toBeGreaterThan(0);

  const pause = await start(['--data', data, 'pause', '--all']).result;
  expect(pause.code, pause.stderr).toBe(0);
  await expect
    .poll(async () => (await status(data))?.transfers[0]?.state, { timeout: 15_000, interval: 300 })
    .toBe('paused');
  expect((await status(data))?.totals.pausedAll).toBe(true);
  const text = await start(['--data', data, 'status']).result;
  expect(text.stdout).toMatch(/^transfers: 0 active, 0 queued, 0 failed, 0 done, all paused;/m);
  expect(text.stdout).toMatch(/^ {2}\S+ {2}paused +steered\.bin {2}/m);

  const resume = await start(['--data', data, 'resume', '--all']).result;
  expect(resume.code, resume.stderr).toBe(0);
  const finished = await upload.result;
  expect(finished.code, finished.stderr).toBe(0);
  const identityPrefix = (await env.listKeys('uploads/'))[0]!.split('/').slice(0, 2).join('/');
  expect(await env.objectSha256(`${identityPrefix}/steered.bin`)).toBe(sha256(content));
});

it('cancels a running upload from another process, and the upload says so and exits non-zero', async () => {
  const data = path.join(work, 'state-cancel');
  await mkdir(data, { recursive: true });
  await writeFile(path.join(data, 'settings.json'), JSON.stringify({ bandwidthLimit: 1024 * 1024 }));
  const file = path.join(work, 'cancelled.bin');
  await writeFile(file, randomBytes(12 * 1024 * 1024));

  const upload = start(['--data', data, '--broker', env.stack.brokerUrl, 'upload', file]);
  await expect
    .poll(async () => (await status(data))?.transfers[0]?.bytesDone ?? 0, { timeout: 30_000, interval: 300 })
    .toBeGreaterThan(0);
  const cancel = await start(['--data', data, 'cancel', '--all']).result;
  expect(cancel.code, cancel.stderr).toBe(0);
  const finished = await upload.result;
  expect(finished.code).not.toBe(0);
  expect(finished.stderr).toMatch(/1 cancelled/);
  expect(await env.listKeys('uploads/')).not.toContainEqual(expect.stringContaining('cancelled.bin'));
});

it('says plainly when no Hoist is running', async () => {
  const r = await start(['--data', path.join(work, 'nothing-here'), 'status']).result;
  expect(r.code).toBe(3);
  expect(r.stderr).toMatch(/No Hoist is running on/);
});

it('cancel --all stops the queue first: what `hoist upload` reports done is exactly what is in the bucket', async () => {
  const data = path.join(work, 'state-cancel-all');
  const src = path.join(work, 'many');
  await mkdir(src, { recursive: true });
  await mkdir(data, { recursive: true });
  // Slow enough that many files finish while the cancel is under way, as in a real 2,000-file run.
  await writeFile(
    path.join(data, 'settings.json'),
    JSON.stringify({ bandwidthLimit: 1024 * 1024, filesInParallel: 4 }),
  );
  const count = 400;
  for (let i = 0; i < count; i++)
    await writeFile(path.join(src, `f${String(i).padStart(3, '0')}.bin`), randomBytes(32 * 1024));

  const upload = start([
    '--data',
    data,
    '--broker',
    env.stack.brokerUrl,
    'upload',
    src,
    '--to',
    'cancel-all',
    '--json',
  ]);
  await expect
    .poll(async () => (await status(data))?.transfers.filter((t) => t.state === 'done').length ?? 0, {
      timeout: 60_000,
      interval: 300,
    })
    .toBeGreaterThan(0);
  const cancel = await start(['--data', data, 'cancel', '--all']).result;
  expect(cancel.code, cancel.stderr).toBe(0);

  const finished = await upload.result;
  expect(finished.code).toBe(1);
  const report = JSON.parse(finished.stdout) as {
    transfers: Array<{ state: string; destination: string }>;
    cancelled?: number;
  };
  const done = report.transfers.filter((t) => t.state === 'done').map((t) => t.destination);
  expect(done.length + (report.cancelled ?? 0)).toBe(count);
  expect(report.cancelled ?? 0).toBeGreaterThan(0);
  const identityPrefix = (await env.listKeys('uploads/'))[0]!.split('/').slice(0, 2).join('/');
  const inBucket = (await env.listKeys(`${identityPrefix}/cancel-all/`)).map((key) =>
    key.slice(identityPrefix.length + 1),
  );
  expect(inBucket.sort()).toEqual(done.sort());
  expect(cancel.stdout + cancel.stderr).toMatch(/^Cancelled \d+ transfers?\.$/m);
});
