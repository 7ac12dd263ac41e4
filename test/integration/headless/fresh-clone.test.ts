// What a new user meets on a fresh clone: the headless page says how to build the window instead of
// "Not found", `npm run headless` builds it when it is missing or stale, and `npm start` where Electron
// cannot be downloaded says so in one line (no stack trace) and goes straight to headless.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon } from '../../../electron/daemon/daemon.js';
import { startTestEngine } from '../../support/engine.js';
// @ts-expect-error -- a plain .mjs script with no type declarations
import { rendererStale } from '../../../scripts/ensure-renderer.mjs';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'hoist-fresh-'));
});
afterAll(async () => rm(work, { recursive: true, force: true }));

describe('the headless page before the window is built', () => {
  it('says what to run instead of "Not found"', async () => {
    const engine = await startTestEngine({ brokerUrl: 'http://127.0.0.1:9' });
    const daemon = await startDaemon({
      engine: engine.engine,
      port: 0,
      host: '127.0.0.1',
      rendererDir: path.join(work, 'no-dist'),
      stagingDir: path.join(work, 'staging'),
    });
    try {
      const page = await fetch(daemon.url);
      expect(page.status).toBe(503);
      expect(await page.text()).toMatch(/has not been built yet\. .*run `npm run build:renderer`/);
      // Other missing files are still a plain 404.
      expect((await fetch(new URL('/nothing.js', daemon.url))).status).toBe(404);
    } finally {
      await daemon.close();
      await engine.close();
    }
  });
});

describe('when the window needs building', () => {
  it('is when renderer/dist is missing or older than its sources, and not when it is current', async () => {
    const root = path.join(work, 'checkout');
    await mkdir(path.join(root, 'renderer', 'src'), { recursive: true });
    await writeFile(path.join(root, 'renderer', 'src', 'main.tsx'), '');
    expect(rendererStale(root)).toBe('renderer/dist is missing');
    await mkdir(path.join(root, 'renderer', 'dist'), { recursive: true });
    await writeFile(path.join(root, 'renderer', 'dist', 'index.html'), '');
    const past = new Date(Date.now() - 60_000);
    await utimes(path.join(root, 'renderer', 'src', 'main.tsx'), past, past);
    expect(rendererStale(root)).toBeUndefined();
    await writeFile(path.join(root, 'renderer', 'src', 'main.tsx'), 'changed');
    await utimes(path.join(root, 'renderer', 'dist', 'index.html'), past, past);
    expect(rendererStale(root)).toMatch(/changed since it was built/);
  });
});

/** Runs `npm start` (scripts/start.mjs) until its headless fallback writes the ready file. */
async function start(env: NodeJS.ProcessEnv): Promise<{ stderr: string; url: string }> {
  const readyFile = path.join(work, `ready-${Date.now()}.json`);
  const child = spawn(
    process.execPath,
    ['scripts/start.mjs', '--data', path.join(work, `data-${Date.now()}`), '--port', '0', '--ready-file', readyFile],
    {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    await expect.poll(() => existsSync(readyFile), { timeout: 90_000, interval: 200 }).toBe(true);
    return { stderr, url: (JSON.parse(readFileSync(readyFile, 'utf8')) as { url: string }).url };
  } finally {
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }
}

describe('npm start where the desktop window cannot open', () => {
  it('says in one line that Electron could not be downloaded, with no stack trace, and runs headless', async () => {
    // A display that is never reached (Electron does not get that far) and a download mirror on a port
    // nobody listens on; the override keeps an Electron that is already installed out of the way.
    const { stderr, url } = await start({
      DISPLAY: ':99',
      ELECTRON_MIRROR: 'http://127.0.0.1:9/',
      ELECTRON_OVERRIDE_DIST_PATH: path.join(work, 'no-electron'),
    });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=/);
    const why = stderr.split('\n').filter((l) => l.startsWith('Hoist: the desktop window cannot open'));
    expect(why).toEqual([
      expect.stringMatching(/because Electron could not be downloaded \(.+\).*\. Starting headless instead\.$/),
    ]);
    expect(stderr).not.toMatch(/^\s+at /m);
    expect(stderr).not.toMatch(/TypeError/);
  });

  it('says there is no display, without trying to download Electron', async () => {
    const { stderr } = await start({ DISPLAY: '', WAYLAND_DISPLAY: '' });
    expect(stderr).toMatch(
      /^Hoist: the desktop window cannot open because there is no display \(DISPLAY and WAYLAND_DISPLAY are unset\)\. Starting headless instead\.$/m,
    );
    expect(stderr).not.toMatch(/downloading Electron/);
  });
});
