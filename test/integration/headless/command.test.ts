// The headless command's contract (docs/ARCHITECTURE.md, Contracts: headless command):
// `npm run headless -- --data DIR --port 0 --ready-file FILE` with no --broker runs the built-in local
// stack, writes {url} (the token in its fragment) when listening, serves the engine behind that token, and
// stops cleanly on SIGTERM.
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startHeadlessCommand } from '../../support/headless-command.js';
import { socketProtocols, socketStatus, tokenOf } from '../../support/headless-socket.js';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'hoist-headless-'));
});
afterAll(async () => rm(work, { recursive: true, force: true }));

it('writes the ready file, serves the engine only with its token, and stops on SIGTERM', async () => {
  const readyFile = path.join(work, 'ready.json');
  const { child, output, exited } = startHeadlessCommand([
    '--data',
    path.join(work, 'data'),
    '--port',
    '0',
    '--ready-file',
    readyFile,
  ]);
  try {
    await expect.poll(() => existsSync(readyFile), { timeout: 60_000, interval: 200 }).toBe(true);
    const { url } = JSON.parse(readFileSync(readyFile, 'utf8')) as { url: string };
    const withToken = new URL(url);
    expect(withToken.hostname).toBe('127.0.0.1');
    expect(withToken.search).toBe('');
    expect(tokenOf(withToken)).toMatch(/^[\w-]{40,}$/);

    // The window's files need no token (it stays in the fragment; 503 when the window is not built); its socket does.
    expect([200, 503]).toContain((await fetch(url)).status);
    expect(await socketStatus(Number(withToken.port), [])).toBe(403);
    expect(await socketStatus(Number(withToken.port), socketProtocols(tokenOf(withToken)))).toBe(101);
    expect(output()).toMatch(/built-in local cloud/);
  } finally {
    child.kill('SIGTERM');
  }
  expect(await exited).toBe(0);
});
