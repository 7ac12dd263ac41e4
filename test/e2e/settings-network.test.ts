// Settings → Network in Chromium against the headless daemon and the real engine: a proxy address with a
// password is saved without it (the password goes to the keychain and never comes back to the page), the
// password field is write-only, and a CA file that cannot be read is refused with its name.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startLocalStack, type LocalStack } from '../../server/local-stack/index.js';
import { silentLogger } from '../../server/broker/logger.js';
import { launchChromium } from '../support/browser.js';
import { startHeadless, type Headless } from './helpers/headless.js';

const secret = 'never-shown-to-the-window-5';
let stackDir: string;
let stack: LocalStack;
let headless: Headless;
let browser: Browser;
let page: Page;
const frames: string[] = [];

beforeAll(async () => {
  stackDir = await mkdtemp(path.join(tmpdir(), 'hoist-stack-'));
  stack = await startLocalStack({
    dataDir: stackDir,
    users: [{ username: 'nina', password: 'network pass phrase' }],
    logger: silentLogger,
  });
  headless = await startHeadless({ brokerUrl: stack.brokerUrl, localMode: true });
  await headless.engine['session.signIn']({ username: 'nina', password: 'network pass phrase' });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  page.on('websocket', (ws) => ws.on('framereceived', ({ payload }) => frames.push(String(payload))));
  await page.goto(headless.daemon.url);
});

afterAll(async () => {
  await browser?.close();
  await headless?.stop();
  await stack?.close();
  if (stackDir) await rm(stackDir, { recursive: true, force: true });
});

describe('Settings → Network', () => {
  it('refuses a CA file that cannot be read, naming it, and saves nothing', async () => {
    await page.getByRole('tab', { name: 'Settings' }).click();
    await page.getByLabel('Extra certificate authorities (PEM file)').fill('/nonexistent/company-ca.pem');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/company-ca\.pem, which cannot be read/);
    expect((await headless.engine['settings.get']({})).caFile).toBeNull();
    await page.getByRole('button', { name: 'Revert' }).click();
  });

  it('keeps the proxy password out of the settings and the page', async () => {
    await page.getByLabel(/^Proxy(?! password)/).fill('http://corp@127.0.0.1:3128');
    await page.getByLabel('Proxy password').fill(secret);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Saved.').waitFor();
    expect((await headless.engine['settings.get']({})).proxyUrl).toBe('http://corp@127.0.0.1:3128');
    expect(await page.getByLabel('Proxy password').inputValue()).toBe('');
    await page.reload();
    await page.getByRole('tab', { name: 'Settings' }).click();
    expect(await page.getByLabel(/^Proxy(?! password)/).inputValue()).toBe('http://corp@127.0.0.1:3128');
    expect(await page.content()).not.toContain(secret);
    expect(frames.join('\n')).not.toContain(secret);
  });
});
