// "Sign in with your organisation" in Chromium: the headless UI, the real engine, the local stack's broker
// and its real OpenID provider (oidc-provider). The happy journey ends with a file in the person's own
// prefix; a wrong password, a cancelled login and a forged `state` each end in a clear message and no session.
// (A token for another audience and an expired token are refused by the broker: test/integration/broker/oidc.test.ts.)
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startLocalStack, type LocalStack } from '../../server/local-stack/index.js';
import { silentLogger } from '../../server/broker/logger.js';
import { launchChromium } from '../support/browser.js';
import { listKeys } from '../support/bucket.js';
import { fillLogin } from '../support/oidc-login.js';
import { S3Client } from '@aws-sdk/client-s3';
import { startHeadless, type Headless } from './helpers/headless.js';

const user = { username: 'ada', password: 'correct horse' };
let stack: LocalStack;
let stackDir: string;
let browser: Browser;
let headless: Headless | undefined;
let context: BrowserContext | undefined;

beforeAll(async () => {
  stackDir = await mkdtemp(path.join(tmpdir(), 'hoist-stack-'));
  stack = await startLocalStack({ dataDir: stackDir, users: [user], logger: silentLogger });
  browser = await launchChromium();
});

afterEach(async () => {
  await context?.close();
  await headless?.stop();
  context = undefined;
  headless = undefined;
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
  if (stackDir) await rm(stackDir, { recursive: true, force: true });
});

/** A fresh Hoist (own data folder) and a fresh browser (no provider session), at the sign-in screen. */
async function openHoist(): Promise<Page> {
  headless = await startHeadless({ brokerUrl: stack.brokerUrl });
  context = await browser.newContext({ viewport: { width: 1100, height: 760 } });
  const page = await context.newPage();
  await page.goto(headless.daemon.url);
  await page.getByRole('button', { name: 'Sign in with your organisation' }).waitFor();
  return page;
}

/** Clicks the button and returns the provider's tab that Hoist opened. */
async function startSignIn(page: Page): Promise<Page> {
  const [tab] = await Promise.all([
    context!.waitForEvent('page'),
    page.getByRole('button', { name: 'Sign in with your organisation' }).click(),
  ]);
  await tab.waitForLoadState();
  return tab;
}

it('signs in with the organisation, comes back signed in, and uploads to the person’s own prefix', async () => {
  const page = await openHoist();
  const tab = await startSignIn(page);
  expect(tab.url().startsWith(`${stack.oidcIssuer}/`)).toBe(true);
  await fillLogin(tab, user);
  await tab.getByText('You can close this tab and return to Hoist').waitFor();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  const session = await headless!.engine['session.get']({});
  expect(session).toMatchObject({ state: 'signed-in', username: user.username });
  await page.screenshot({ path: 'test/e2e/artifacts/oidc-signed-in.png' });

  await page
    .getByTestId('choose-files')
    .setInputFiles([
      { name: 'from-sso.txt', mimeType: 'text/plain', buffer: Buffer.from('signed in with the organisation') },
    ]);
  const s3 = new S3Client({
    region: stack.region,
    endpoint: stack.s3Endpoint,
    forcePathStyle: true,
    credentials: stack.adminCredentials,
  });
  try {
    await expect
      .poll(() => listKeys(s3, stack.bucket, `uploads/${session.identityId}/`), { timeout: 60_000 })
      .toContain(`uploads/${session.identityId}/from-sso.txt`);
  } finally {
    s3.destroy();
  }
});

it('keeps a wrong password at the provider, and a cancelled login ends in a clear message and no session', async () => {
  const page = await openHoist();
  const tab = await startSignIn(page);
  await fillLogin(tab, { username: user.username, password: 'wrong' });
  await expect.poll(() => tab.getByRole('alert').textContent()).toMatch(/username or password is not correct/);
  expect((await headless!.engine['session.get']({})).state).toBe('signed-out');

  await tab.getByRole('button', { name: 'Cancel' }).click();
  await tab.getByText('You can close this tab and return to Hoist').waitFor();
  await expect
    .poll(() => page.getByRole('alert').textContent())
    .toMatch(/sign-in was cancelled at your organisation’s sign-in page/);
  expect((await headless!.engine['session.get']({})).state).toBe('signed-out');
  await page.screenshot({ path: 'test/e2e/artifacts/oidc-cancelled.png' });
});

it('refuses an answer with a forged state, says so, and stays signed out', async () => {
  const page = await openHoist();
  const tab = await startSignIn(page);
  // The provider's page carries its interaction, not the request: the request is Hoist's own link.
  const authorization = new URL(
    (await page.getByRole('link', { name: 'open the sign-in page' }).getAttribute('href'))!,
  );
  const loopback = new URL(authorization.searchParams.get('redirect_uri')!);
  expect(loopback.hostname).toBe('127.0.0.1');
  loopback.search = new URLSearchParams({ code: 'stolen-code', state: 'forged-state' }).toString();
  await tab.goto(loopback.toString());
  await tab.getByText('state was wrong').waitFor();
  await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/did not match the request Hoist made/);
  expect((await headless!.engine['session.get']({})).state).toBe('signed-out');
});
