// 10,000 small files in 100 folders: every one uploaded, verified by listing the bucket.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Env, makeSync, startEnv, type Sync } from './harness.js';

let env: Env;
let s: Sync;
beforeAll(async () => {
  env = await startEnv();
  s = makeSync(env, { filesInParallel: 32 });
  await s.open();
});
afterAll(async () => {
  await s?.close();
  s?.remove();
  await env?.close();
});

it('uploads a 10,000-file tree completely', async () => {
  const root = join(s.home, 'Big');
  const expected: string[] = [];
  for (let d = 0; d < 100; d++) {
    mkdirSync(join(root, `dir-${d}`), { recursive: true });
    for (let f = 0; f < 100; f++) {
      writeFileSync(join(root, `dir-${d}`, `file-${f}.txt`), `${d}:${f}`);
      expected.push(`Big/dir-${d}/file-${f}.txt`);
    }
  }
  const folder = await s.sync.add(root);
  await expect.poll(() => s.queue.list('done').length, { timeout: 100_000, interval: 500 }).toBe(10_000);
  await s.settle();
  expect(await s.keys()).toEqual(expected.sort());
  expect(s.folder(folder.id)).toMatchObject({ state: 'watching', filesSeen: 10_000 });
  expect(s.writes()).toHaveLength(10_000);
}, 180_000);
