// The sign-in screen and the broker choice, in Chromium against the real engine: a pinned deployment
// shows the organisation and no server field; without one, a changed server is set first and the
// sign-in goes there. No local stack: the brokers are closed ports, the "cannot be reached" case.
import { afterEach, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/browser.js';
import { startHeadless, type Headless } from './helpers/headless.js';

let headless: Headless | undefined;
let browser: Browser | undefined;

afterEach(async () => {
  await browser?.close();
  await headless?.stop();
  browser = undefined;
  headless = undefined;
});

it('shows the organisation and no server field when the deployment pins the broker', async () => {
  const pinned = 'http://127.0.0.1:9';
  headless = await startHeadless({
    brokerUrl: 'http://127.0.0.1:10',
    deployment: {
      file: '/etc/hoist/deployment.json',
      deployment: {
        name: 'Acme Test',
        brokerUrl: pinned,
        region: 'us-east-1',
        identityPoolId: 'us-east-1:0123',
        bucket: 'acme-uploads',
      },
    },
  });
  browser = await launchChromium();
  const page = await browser.newPage();
  await page.goto(headless.daemon.url);
  await page.getByLabel('Username').waitFor();
  await expect.poll(() => page.getByText('Acme Test').count()).toBe(1);
  expect(await page.getByRole('button', { name: 'Change' }).count()).toBe(0);
  expect(await page.getByLabel('Sign-in server').count()).toBe(0);
  await page.getByLabel('Username').fill('ada');
  await page.getByLabel('Password').fill('secret');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  // The sign-in went to the pinned broker (a closed port here), not the one the engine was started with.
  await expect
    .poll(async () => (await page.getByRole('alert').textContent()) ?? '')
    .toMatch(/sign-in service at 127\.0\.0\.1:9 cannot be reached/);
  await page.screenshot({ path: 'test/e2e/artifacts/signin-pinned.png' });
});

it('sets a changed server first, then signs in there', async () => {
  headless = await startHeadless({ brokerUrl: 'http://127.0.0.1:9' });
  browser = await launchChromium();
  const page = await browser.newPage();
  await page.goto(headless.daemon.url);
  await page.getByRole('button', { name: 'Change' }).click();
  await page.getByLabel('Sign-in server').fill('http://127.0.0.1:10/');
  await page.getByLabel('Username').fill('ada');
  await page.getByLabel('Password').fill('secret');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect
    .poll(async () => (await page.getByRole('alert').textContent()) ?? '')
    .toMatch(/sign-in service at 127\.0\.0\.1:10 cannot be reached/);
  expect((await headless.engine['session.get']({})).brokerUrl).toBe('http://127.0.0.1:10/');

  // An http server off this computer is refused with the reason, and the broker stays as it was.
  await page.getByLabel('Sign-in server').fill('http://sign-in.example.com/');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect.poll(async () => (await page.getByRole('alert').textContent()) ?? '').toContain('must use https');
  expect((await headless.engine['session.get']({})).brokerUrl).toBe('http://127.0.0.1:10/');
});
