// Help → Check setup in Chromium, against the headless daemon, the real engine and a local stack whose clock
// is 5 minutes ahead: one line per check with its state and what to do, the clock's offset in words, the
// proxy named without its password, and no WCAG 2.1 A/AA violation.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startLocalStack, type LocalStack } from '../../server/local-stack/index.js';
import { silentLogger } from '../../server/broker/logger.js';
import { launchChromium } from '../support/browser.js';
import { startHeadless, type Headless } from './helpers/headless.js';
import { axeViolations } from './helpers/a11y.js';

const secret = 'proxy-secret-never-on-the-page-7';
let stackDir: string;
let stack: LocalStack;
let headless: Headless;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  stackDir = await mkdtemp(path.join(tmpdir(), 'hoist-stack-'));
  stack = await startLocalStack({
    dataDir: stackDir,
    users: [{ username: 'cy', password: 'check setup pass phrase' }],
    logger: silentLogger,
    clockOffsetSeconds: 300,
  });
  // Local mode: loopback goes direct, so the proxy below is named but not in the way.
  headless = await startHeadless({ brokerUrl: stack.brokerUrl, localMode: true });
  await headless.engine['session.signIn']({ username: 'cy', password: 'check setup pass phrase' });
  await headless.engine['settings.update']({ proxyUrl: 'http://corp@127.0.0.1:3128', proxyPassword: secret });
  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: { width: 1200, height: 900 } })).newPage();
  await page.goto(headless.daemon.url);
});

afterAll(async () => {
  await browser?.close();
  await headless?.stop();
  await stack?.close();
  if (stackDir) await rm(stackDir, { recursive: true, force: true });
});

it('lists every check with what to do, names the clock offset and never the proxy password', async () => {
  await page.getByRole('tab', { name: 'Help' }).click();
  await page.getByRole('button', { name: 'Check setup' }).click();
  const lines = page.getByRole('list', { name: 'Setup checks' }).getByRole('listitem');
  await expect.poll(() => lines.count(), { timeout: 30_000 }).toBe(7);
  const text = (await lines.allTextContents()).join('\n');
  // The tests' session lives in memory: the keychain line is a problem, with what to do.
  expect(text).toMatch(/ProblemKeychain.*What to do: /);
  expect(text).toMatch(/OKSign-in service.*answers its health check/);
  expect(text).toMatch(/WarningClock.*this computer's clock is 5 minutes behind S3's .*What to do: Set the date, time/);
  expect(text).toMatch(/OKProxy and certificates/);
  await expect.poll(() => page.getByRole('status').filter({ hasText: 'found' }).textContent()).toBe('1 problem found.');
  expect(await page.content()).not.toContain(secret);
  expect(await axeViolations(page, 'Help → Check setup')).toEqual([]);
});
