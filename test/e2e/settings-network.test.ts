// Settings → Network in Chromium against the headless daemon and the real engine: a proxy address with a
// password is saved without it (the password goes to the keychain and never comes back to the page), the
// password field is write-only, and a CA file that cannot be read is refused with its name.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Headless } from './helpers/headless.js';
import { useWindow } from './helpers/window.js';

const ui = useWindow({
  user: { username: 'nina', password: 'network pass phrase' },
  signedIn: true,
  localMode: true,
  viewport: { width: 1200, height: 900 },
  onPage: (p) => p.on('websocket', (ws) => ws.on('framereceived', ({ payload }) => frames.push(String(payload)))),
});
let headless: Headless;
let page: Page;
beforeAll(() => void ({ headless, page } = ui));

const secret = 'never-shown-to-the-window-5';
const frames: string[] = [];

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
