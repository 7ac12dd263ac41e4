// `hoist sign-in --browser` and `hoist sign-in --device` as real processes against the local stack's real
// OpenID provider, driven in Chromium like a person would; the session lands in the real keychain, so a
// later `hoist upload` (another process) uploads under that person's own identity.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CognitoIdentityClient, GetOpenIdTokenForDeveloperIdentityCommand } from '@aws-sdk/client-cognito-identity';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { developerUserId } from '../../server/broker/oidc.js';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/browser.js';
import { hoist, startHoist, type CliRun } from '../support/hoist-cli.js';
import { fillLogin, firstUrl, loginAtProvider } from '../support/oidc-login.js';
import { pollUntil } from '../support/poll.js';
import { startTestStack, type TestStack } from '../support/stack.js';

const user = { username: 'grace', password: 'organisation passphrase' };
let env: TestStack;
let browser: Browser;
let work: string;

beforeAll(async () => {
  env = await startTestStack({ users: [user] });
  browser = await launchChromium();
  work = await mkdtemp(path.join(os.tmpdir(), 'hoist-oidc-cli-'));
});
afterAll(async () => {
  await browser?.close();
  await env?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

/** The address the command printed on a line of its own, once it has. */
async function printedUrl(run: CliRun, contains = ''): Promise<string> {
  let out = '';
  run.child.stdout!.on('data', (d: Buffer) => (out += d));
  const ok = await pollUntil(() => firstUrl(out, contains) !== undefined || run.child.exitCode !== null, {
    timeoutMs: 60_000,
  });
  const url = firstUrl(out, contains);
  if (!ok || !url) throw new Error(`hoist printed no address: ${out} ${(await run.result).stderr}`);
  return url;
}

/** The person's identity, asked of Cognito as the broker would: provider issuer + subject. */
async function identityOf(username: string): Promise<string> {
  const { cloud } = env.stack;
  const cognito = new CognitoIdentityClient({
    region: cloud.region,
    endpoint: cloud.cognitoEndpoint,
    credentials: cloud.developerCredentials,
  });
  try {
    const out = await cognito.send(
      new GetOpenIdTokenForDeveloperIdentityCommand({
        IdentityPoolId: cloud.identityPoolId,
        Logins: { [cloud.developerProviderName]: developerUserId(env.stack.oidcIssuer!, username) },
      }),
    );
    return out.IdentityId!;
  } finally {
    cognito.destroy();
  }
}

/** Uploads one file with the keychain session and returns the keys that landed. */
async function uploadOne(dataDir: string, name: string): Promise<string[]> {
  const file = path.join(work, name);
  await writeFile(file, `uploaded after signing in: ${name}\n`);
  const upload = await hoist(['--data', dataDir, '--broker', env.stack.brokerUrl, 'upload', file, '--json']);
  expect(upload.code, upload.stderr).toBe(0);
  return env.listKeys('uploads/');
}

it('signs in with --browser: prints the address, waits for the provider, exits 0, and the session uploads', async () => {
  const dataDir = path.join(work, 'browser');
  const run = startHoist(['--data', dataDir, '--broker', env.stack.brokerUrl, 'sign-in', '--browser'], {
    timeoutMs: 120_000,
    env: { DISPLAY: '', WAYLAND_DISPLAY: '' },
  });
  const url = await printedUrl(run);
  expect(url.startsWith(`${env.stack.oidcIssuer}/auth?`)).toBe(true);
  const page = await browser.newPage();
  await loginAtProvider(page, url, user);
  await page.getByText('You can close this tab and return to Hoist').waitFor();
  const result = await run.result;
  expect(result.code, result.stderr).toBe(0);
  expect(result.stderr).toContain(`Signed in as ${user.username}.`);
  await page.close();
  expect(await uploadOne(dataDir, 'browser.txt')).toContain(`uploads/${await identityOf(user.username)}/browser.txt`);
});

it('signs in with --device: prints the address and code, polls until confirmed, exits 0', async () => {
  const dataDir = path.join(work, 'device');
  const run = startHoist(['--data', dataDir, '--broker', env.stack.brokerUrl, 'sign-in', '--device'], {
    timeoutMs: 120_000,
  });
  const complete = await printedUrl(run, 'user_code=');
  const page = await browser.newPage();
  await page.goto(complete);
  await page.getByRole('button', { name: 'Continue' }).first().click();
  await fillLogin(page, user);
  await page.getByText('You are signed in').waitFor();
  const result = await run.result;
  expect(result.code, result.stderr).toBe(0);
  expect(result.stderr).toMatch(/enter the code [A-Z]{4}-[A-Z]{4}/);
  await page.close();
  expect(await uploadOne(dataDir, 'device.txt')).toContain(`uploads/${await identityOf(user.username)}/device.txt`);
});

it('ends --browser with a clear message and exit code 1 when the login is cancelled', async () => {
  const dataDir = path.join(work, 'cancelled');
  const run = startHoist(['--data', dataDir, '--broker', env.stack.brokerUrl, 'sign-in', '--browser'], {
    timeoutMs: 120_000,
  });
  const url = await printedUrl(run);
  const context = await browser.newContext(); // no provider session from the tests above
  const page = await context.newPage();
  await page.goto(url);
  await page.getByRole('button', { name: 'Cancel' }).click();
  await page.getByText('You can close this tab and return to Hoist').waitFor();
  const result = await run.result;
  expect(result.code).toBe(1);
  expect(result.stderr).toContain('The sign-in was cancelled at your organisation’s sign-in page.');
  await context.close();
});
