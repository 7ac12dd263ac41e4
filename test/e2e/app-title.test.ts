// The built renderer opens in a real Chromium and shows the app. Later journeys run against the
// headless daemon; this one checks the build itself.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { preview, type PreviewServer } from 'vite';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/browser.js';

let server: PreviewServer;
let browser: Browser;

beforeAll(async () => {
  server = await preview({
    configFile: 'build/vite.renderer.config.ts',
    preview: { host: '127.0.0.1', port: 0, strictPort: false },
    logLevel: 'silent',
  });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

it('shows the Hoist window title and heading', async () => {
  const url = server.resolvedUrls?.local[0];
  expect(url).toBeTruthy();
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url!);
  await expect.poll(() => page.title()).toBe('Hoist');
  await page.getByRole('heading', { name: 'Hoist' }).waitFor();
  expect(errors).toEqual([]);
});
