// An unreadable file in a watched folder is reported, the rest uploads, and it follows on the next
// scan once readable. Root reads files whatever their mode, so when the tests run as root this file's
// worker process (vitest runs each test file in its own process) first drops to the unprivileged
// user "nobody": the permission check is the kernel's, not a simulation.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Env, makeSync, startEnv, type Sync } from './harness.js';

const nobody = 65534;
let env: Env;
let s: Sync | undefined;

beforeAll(async () => {
  if (process.getuid?.() === 0) {
    process.setgid!(nobody);
    process.setuid!(nobody);
  }
  env = await startEnv();
});
afterAll(async () => {
  await s?.close().catch(() => {});
  s?.remove();
  await env?.close();
});

it('reports an unreadable file and uploads it on the next scan once readable', async () => {
  expect(process.getuid?.()).not.toBe(0);
  s = makeSync(env);
  await s.open();
  const root = join(s.home, 'Locked');
  mkdirSync(root);
  writeFileSync(join(root, 'ok.txt'), 'ok');
  writeFileSync(join(root, 'locked.txt'), 'secret');
  chmodSync(join(root, 'locked.txt'), 0o000);
  const folder = await s.sync.add(root);
  await s.settle();
  expect(await s.keys()).toEqual(['Locked/ok.txt']);
  expect(s.sync.problems(folder.id)).toEqual([expect.objectContaining({ relative: 'locked.txt', kind: 'unreadable' })]);
  chmodSync(join(root, 'locked.txt'), 0o644);
  await s.sync.rescanAll();
  await expect.poll(() => s!.keys(), { timeout: 30_000 }).toEqual(['Locked/locked.txt', 'Locked/ok.txt']);
  await s.settle();
  expect(s.sync.problems(folder.id)).toEqual([]);
});
