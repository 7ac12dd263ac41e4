// The set-up most browser tests share: the local stack (local cloud + broker), the headless daemon on the
// real engine, and one Chromium page on its window. `useWindow()` registers the beforeAll/afterAll that
// make and remove them; its fields are filled in when the file's first beforeAll has run.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startLocalStack, type LocalStack } from '../../../server/local-stack/index.js';
import { silentLogger } from '../../../server/broker/logger.js';
import { launchChromium } from '../../support/browser.js';
import { startHeadless, type Headless } from './headless.js';

export interface WindowOptions {
  user: { username: string; password: string };
  /** The engine signs in before the page opens (else the page starts at the sign-in screen). */
  signedIn?: boolean;
  localMode?: boolean;
  viewport?: { width: number; height: number };
  /** Browser permissions for the window's origin (e.g. the clipboard). */
  permissions?: string[];
  /** Also count console errors as page errors (uncaught exceptions always count). */
  consoleErrors?: boolean;
  /** Called with the page before it opens the window (to listen from the first frame). */
  onPage?: (page: Page) => void;
}

export interface Window {
  stack: LocalStack;
  headless: Headless;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Uncaught exceptions in the page (and console errors with `consoleErrors`). */
  errors: string[];
}

export function useWindow(options: WindowOptions): Window {
  const window = { errors: [] as string[] } as Window;
  let stackDir: string | undefined;

  beforeAll(async () => {
    stackDir = await mkdtemp(path.join(tmpdir(), 'hoist-stack-'));
    window.stack = await startLocalStack({ dataDir: stackDir, users: [options.user], logger: silentLogger });
    window.headless = await startHeadless({
      brokerUrl: window.stack.brokerUrl,
      ...(options.localMode ? { localMode: true } : {}),
    });
    if (options.signedIn) await window.headless.engine['session.signIn'](options.user);
    window.browser = await launchChromium();
    window.context = await window.browser.newContext({ viewport: options.viewport ?? { width: 1200, height: 760 } });
    if (options.permissions)
      await window.context.grantPermissions(options.permissions, {
        origin: new URL(window.headless.daemon.url).origin,
      });
    window.page = await window.context.newPage();
    window.page.on('pageerror', (e) => window.errors.push(e.message));
    if (options.consoleErrors) window.page.on('console', (m) => m.type() === 'error' && window.errors.push(m.text()));
    options.onPage?.(window.page);
    await window.page.goto(window.headless.daemon.url);
  });

  afterAll(async () => {
    await window.browser?.close();
    await window.headless?.stop();
    await window.stack?.close();
    if (stackDir) await rm(stackDir, { recursive: true, force: true });
  });

  return window;
}
