// Settings → Troubleshooting in Chromium against the headless daemon: the logs folder's path is shown to
// copy, and "Save diagnostics…" downloads the zip (a real zip, listed by the real `unzip`).
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startLocalStack, type LocalStack } from '../../server/local-stack/index.js';
import { silentLogger } from '../../server/broker/logger.js';
import { launchChromium } from '../support/browser.js';
import { startHeadless, type Headless } from './helpers/headless.js';

let work: string;
let stack: LocalStack;
let headless: Headless;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'hoist-diag-e2e-'));
  stack = await startLocalStack({
    dataDir: path.join(work, 'stack'),
    users: [{ username: 'olga', password: 'diagnostics pass phrase' }],
    logger: silentLogger,
  });
  headless = await startHeadless({ brokerUrl: stack.brokerUrl, localMode: true });
  await headless.engine['session.signIn']({ username: 'olga', password: 'diagnostics pass phrase' });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1200, height: 900 }, acceptDownloads: true });
  await page.goto(headless.daemon.url);
});

afterAll(async () => {
  await browser?.close();
  await headless?.stop();
  await stack?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('Settings → Troubleshooting (headless)', () => {
  it('shows the logs folder to copy and downloads the diagnostics zip', async () => {
    await page.getByRole('tab', { name: 'Settings' }).click();
    await expect.poll(() => page.getByLabel('Logs folder').inputValue()).toBe(path.join(headless.dataDir, 'logs'));
    // A browser cannot open a folder on this computer: no such button here.
    expect(await page.getByRole('button', { name: 'Open logs folder' }).count()).toBe(0);

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Save diagnostics…' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^hoist-diagnostics-[0-9TZ-]+\.zip$/);
    const saved = path.join(work, file.suggestedFilename());
    await file.saveAs(saved);
    const listing = execFileSync('unzip', ['-Z1', saved], { encoding: 'utf8' }).split('\n').filter(Boolean).sort();
    expect(listing).toEqual(['README.txt', 'settings.json', 'status.json', 'versions.json']);
    await expect
      .poll(() => page.getByRole('status').allTextContents())
      .toContainEqual(expect.stringMatching(/Downloading hoist-diagnostics-/));
  });
});
