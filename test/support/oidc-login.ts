// Drives the local OpenID provider's pages in a real Chromium, as a person would: its login page has
// fields labelled Username and Password, a Sign in button and a Cancel button (server/local-stack).
import type { BrowserContext, Page } from 'playwright-core';
import { createBrokerClient, type BrokerSession } from '../../electron/engine/auth/broker-client.js';
import { startBrowserSignIn } from '../../electron/engine/auth/browser-sign-in.js';

/** Opens `url` (an authorization or device address) and signs in at the provider's login page. */
export async function loginAtProvider(
  page: Page,
  url: string,
  user: { username: string; password: string },
): Promise<void> {
  await page.goto(url);
  await fillLogin(page, user);
}

export async function fillLogin(page: Page, user: { username: string; password: string }): Promise<void> {
  await page.getByLabel('Username').fill(user.username);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** The first line of `text` that is an http(s) address, once there is one. */
export function firstUrl(text: string, contains = ''): string | undefined {
  return text
    .split('\n')
    .map((line) => line.trim())
    .find((line) => /^https?:\/\/\S+$/.test(line) && line.includes(contains));
}

/**
 * One whole browser sign-in through the engine's own code (loopback listener, PKCE, state, nonce) at
 * `brokerUrl`: the provider's login page is filled in when it shows (a context with a provider session skips it).
 */
export async function browserSignIn(
  context: BrowserContext,
  brokerUrl: string,
  user: { username: string; password: string },
): Promise<BrokerSession> {
  const flow = await startBrowserSignIn(createBrokerClient(brokerUrl));
  // Settled as soon as the broker answers, which can be before the page has finished loading.
  const outcome = flow.done.then(
    (session) => ({ session }),
    (error: unknown) => ({ error }),
  );
  const page = await context.newPage();
  // On a loaded machine a page can take long to show: if the sign-in has not ended after a minute, say
  // where the page is, so a test that then times out shows why.
  const stalled = setTimeout(() => {
    void page.innerText('body').then(
      (text) =>
        process.stderr.write(
          `browser sign-in still waiting after 60 s at ${page.url()}: ${text.replace(/\s+/g, ' ').slice(0, 300)}\n`,
        ),
      () => undefined,
    );
  }, 60_000);
  try {
    await page.goto(flow.url);
    // The login form, unless the provider already knows the person and the broker answers first. No
    // limit on the form's own wait: giving up on it while the sign-in is pending would wait forever.
    const form = page
      .getByLabel('Username')
      .waitFor({ state: 'visible', timeout: 0 })
      .then(
        () => 'form' as const,
        () => 'none' as const,
      );
    if ((await Promise.race([outcome.then(() => 'done' as const), form])) === 'form') await fillLogin(page, user);
    const result = await outcome;
    if ('error' in result) throw result.error;
    return result.session;
  } finally {
    clearTimeout(stalled);
    await page.close();
  }
}
