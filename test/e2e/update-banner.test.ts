// "Restart to update" in the window, in Chromium against the headless daemon, the real engine and the
// local stack. The daemon serves the engine with the desktop app's real update service
// (electron/main/update-service.ts) in front, exactly as the Electron shell does, so the banner hears
// `update.ready` through the real RPC path (engine → RPC server → WebSocket → window). Only the updater
// itself is a stand-in: electron-updater installs by quitting Electron, which cannot run here; its feed
// and checksum handling are tested in test/integration/desktop/update-feed.test.ts. Checked: the banner is
// a status region with a button, axe-clean in light and dark; a click while an upload runs never
// restarts — the banner says it waits — and the restart comes once the upload has finished; a window
// opened later shows the waiting update; a plain headless window never shows one.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startLocalStack, type LocalStack } from '../../server/local-stack/index.js';
import { silentLogger as stackLogger } from '../../server/broker/logger.js';
import { silentLogger } from '../../electron/engine/platform/log.js';
import { createUpdateService, withUpdates, type Updater } from '../../electron/main/update-service.js';
import { launchChromium } from '../support/browser.js';
import { waitForTransfer } from '../support/engine.js';
import { createFakeClock } from '../support/fake-clock.js';
import { startHeadless, type Headless } from './helpers/headless.js';
import { axeViolations } from './helpers/a11y.js';

const wait = { timeout: 60_000 };
let stack: LocalStack;
let stackDir: string;
let filesDir: string;
let desktop: Headless;
let plain: Headless;
let browser: Browser;
const clock = createFakeClock();
const downloaded = new Set<(version: string) => void>();
const restarts: number[] = [];
const updater: Updater = {
  check: async () => {},
  onDownloaded(listener) {
    downloaded.add(listener);
    return () => void downloaded.delete(listener);
  },
  restartAndInstall: () => void restarts.push(clock.now()),
  setInstallOnQuit: () => {},
};
let stopUpdates = () => {};

beforeAll(async () => {
  stackDir = await mkdtemp(path.join(tmpdir(), 'hoist-stack-'));
  filesDir = await mkdtemp(path.join(tmpdir(), 'hoist-update-'));
  stack = await startLocalStack({
    dataDir: stackDir,
    users: [{ username: 'ada', password: 'correct horse' }],
    logger: stackLogger,
  });
  desktop = await startHeadless({
    brokerUrl: stack.brokerUrl,
    serve: (engine) => {
      const updates = createUpdateService({ updater, engine, clock, log: silentLogger });
      updates.start();
      stopUpdates = () => updates.stop();
      return withUpdates(engine, updates);
    },
  });
  plain = await startHeadless({ brokerUrl: stack.brokerUrl });
  for (const h of [desktop, plain]) await h.engine['session.signIn']({ username: 'ada', password: 'correct horse' });
  browser = await launchChromium();
});

afterAll(async () => {
  stopUpdates();
  await browser?.close();
  await desktop?.stop();
  await plain?.stop();
  await stack?.close();
  for (const dir of [stackDir, filesDir]) if (dir) await rm(dir, { recursive: true, force: true });
});

async function open(url: string): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width: 1200, height: 760 } })).newPage();
  await page.goto(url);
  await page.getByRole('button', { name: 'Sign out' }).waitFor(wait);
  return page;
}

const banner = (page: Page) => page.getByRole('status').filter({ hasText: 'Hoist' }).filter({ hasText: 'update' });

describe('the update banner', () => {
  it('offers Restart to update, waits for a running upload, then restarts once it is done', async () => {
    const { engine } = desktop;
    const page = await open(desktop.daemon.url);
    expect(await page.getByRole('button', { name: 'Restart to update' }).count()).toBe(0);

    // An upload that is still running when the person clicks.
    await engine['settings.update']({ bandwidthLimit: 16 * 1024 });
    const file = path.join(filesDir, 'big.bin');
    await writeFile(file, Buffer.alloc(2 * 1024 * 1024, 7));
    const added = await engine['transfers.add']({ paths: [file] });
    await waitForTransfer(engine, added.ids[0]!, (t) => t.state === 'uploading' && t.bytesDone > 0);

    // The updater has downloaded and verified 9.9.9: the window hears it over the WebSocket.
    downloaded.forEach((listener) => listener('9.9.9'));
    await expect.poll(() => banner(page).textContent(), wait).toBe('Version 9.9.9 of Hoist is ready.Restart to update');
    const button = banner(page).getByRole('button', { name: 'Restart to update' });
    expect(await axeViolations(page, 'update ready')).toEqual([]);

    // From the keyboard: focus the button, press Enter.
    await button.focus();
    await page.keyboard.press('Enter');
    await expect
      .poll(() => banner(page).textContent(), wait)
      .toBe('Hoist will restart to update to version 9.9.9 when the uploads finish.');
    expect(restarts).toEqual([]);
    expect((await engine['transfers.totals']({})).active).toBe(1);
    expect(await axeViolations(page, 'update waiting for uploads')).toEqual([]);

    // A window opened now shows the same, from update.get.
    const later = await open(desktop.daemon.url);
    await expect.poll(() => banner(later).textContent(), wait).toMatch(/when the uploads finish/);

    // The upload finishes; only then does the service restart to install.
    await engine['settings.update']({ bandwidthLimit: null });
    await waitForTransfer(engine, added.ids[0]!, (t) => t.state === 'done');
    await expect.poll(() => restarts.length, wait).toBe(1);
  });

  it('never shows in a plain headless window, whose engine has no update to install', async () => {
    const page = await open(plain.daemon.url);
    await page.getByText('Nothing uploaded yet.').waitFor(wait);
    expect(await page.getByText(/Restart to update|of Hoist is ready/).count()).toBe(0);
    // The banner's (empty) status region is there all the same, and clean.
    expect(await axeViolations(page, 'no update')).toEqual([]);
    expect(await plain.engine['update.get']({})).toBeNull();
    await expect(plain.engine['update.install']({})).rejects.toThrow(/No update is waiting/);
  });
});
