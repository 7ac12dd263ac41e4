// Drives the local OpenID provider's pages in a real Chromium, as a person would: its login page has
// fields labelled Username and Password, a Sign in button and a Cancel button (server/local-stack).
import type { Page } from 'playwright-core';

/** Opens `url` (an authorization or device address) and signs in at the provider's login page. */
export async function loginAtProvider(page: Page, url: string, user: { username: string; password: string }): Promise<void> {
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
