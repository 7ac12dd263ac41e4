// A long transfer list in Chromium against the headless daemon, the real engine and the local stack:
// 3,000 queued transfers (uploads paused) plus a few done and one failed. The window reads the list a
// page at a time: tab counts come from the engine's totals, the DOM holds only the rows in view,
// scrolling to the bottom reads the oldest page, Pause all / Resume all reach the rows shown, and each
// filter shows its own rows, also when the engine says transfers.invalidated instead of a change per
// row (the daemon's events pass through a tap for that). Screenshots of the list mid-scroll
// (placeholders) go to test/e2e/artifacts/.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Transfer } from '../../electron/common/contract.js';
import { createEngine, type Engine } from '../../electron/engine/index.js';
import { MemorySecretStore } from '../../electron/engine/auth/secret-store.js';
import { silentLogger as quietEngine } from '../../electron/engine/platform/log.js';
import { startDaemon, type Daemon } from '../../electron/daemon/daemon.js';
import { startLocalStack, type LocalStack } from '../../server/local-stack/index.js';
import { silentLogger } from '../../server/broker/logger.js';
import { launchChromium } from '../support/browser.js';
import { waitForTransfer } from '../support/engine.js';
import { tapEvents, type EventTap } from '../support/event-tap.js';

const queued = 3_000;
const wait = { timeout: 60_000 };

let stack: LocalStack;
let stackDir: string;
let filesDir: string;
let dataDir: string;
let engine: Engine;
let daemon: Daemon;
/** The engine's events on their way to the window, to send transfers.invalidated as the engine will. */
let tap: EventTap<Engine>;
let browser: Browser;
let page: Page;
const errors: string[] = [];
/** Params of every transfers.list the page sent. */
const listCalls: { offset?: number; limit?: number }[] = [];

beforeAll(async () => {
  stackDir = await mkdtemp(path.join(tmpdir(), 'hoist-stack-'));
  filesDir = await mkdtemp(path.join(tmpdir(), 'hoist-pages-'));
  stack = await startLocalStack({
    dataDir: stackDir,
    users: [{ username: 'ada', password: 'correct horse' }],
    logger: silentLogger,
  });
  dataDir = await mkdtemp(path.join(tmpdir(), 'hoist-e2e-'));
  engine = await createEngine({
    dataDir,
    brokerUrl: stack.brokerUrl,
    localMode: true,
    secrets: { store: new MemorySecretStore(), notice: 'No keychain in tests: the session is kept in memory.' },
    log: quietEngine,
  });
  tap = tapEvents(engine);
  daemon = await startDaemon({
    engine: tap.engine,
    port: 0,
    host: '127.0.0.1',
    rendererDir: path.resolve('renderer/dist'),
    stagingDir: path.join(dataDir, 'staging'),
  });
  await engine['session.signIn']({ username: 'ada', password: 'correct horse' });
  await engine['settings.update']({ filesInParallel: 1 });

  // The oldest: two done and one failed (its file is gone by the time its upload starts).
  const done = await engine['transfers.add']({ paths: await files(['done-a.txt', 'done-b.txt']) });
  await Promise.all(done.ids.map((id) => waitForTransfer(engine, id, (t) => t.state === 'done')));
  await engine['transfers.pauseAll']({});
  const [gone] = await files(['gone.txt']);
  const failed = await engine['transfers.add']({ paths: [gone!] });
  await rm(gone!);
  await engine['transfers.resumeAll']({});
  await waitForTransfer(engine, failed.ids[0]!, (t) => t.state === 'failed');

  // Then 3,000 that wait: uploads paused, and a slow link for when they are resumed.
  await engine['transfers.pauseAll']({});
  await engine['settings.update']({ bandwidthLimit: 1024 });
  await engine['transfers.add']({
    paths: await files(
      Array.from({ length: queued }, (_, i) => `page-${String(i).padStart(4, '0')}.txt`),
      4096,
    ),
  });

  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1200, height: 760 } });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('websocket', (ws) =>
    ws.on('framesent', ({ payload }) => {
      const message = JSON.parse(String(payload)) as { command?: string; params?: { offset?: number; limit?: number } };
      if (message.command === 'transfers.list') listCalls.push(message.params ?? {});
    }),
  );
  await page.goto(daemon.url);
});

afterAll(async () => {
  await browser?.close();
  await daemon?.close();
  await engine?.stop();
  await stack?.close();
  for (const dir of [stackDir, filesDir, dataDir]) if (dir) await rm(dir, { recursive: true, force: true });
});

async function files(names: string[], size = 16): Promise<string[]> {
  const paths = names.map((name) => path.join(filesDir, name));
  await Promise.all(paths.map((p) => writeFile(p, Buffer.alloc(size, 'x'))));
  return paths;
}

const shot = (name: string) => page.screenshot({ path: `test/e2e/artifacts/${name}.png` });
const list = () => page.locator('.list-body');
const scrollTo = (fraction: number) =>
  list().evaluate((el, f) => (el.scrollTop = (el.scrollHeight - el.clientHeight) * f), fraction);
const rowsInDom = () => page.locator('.list-body [role=row]').count();
const placeholders = () => page.locator('.list-body .row-placeholder').count();
const row = (name: string) => page.getByRole('row', { name: new RegExp(`^${name.replace(/\./g, '\\.')},`) });
/** The rows the list shows (placeholders aside), as [name, state]. */
const shown = () =>
  page.locator('.list-body [role=row]:not([aria-busy])').evaluateAll((rows) =>
    rows.map((r) => {
      const [name, ...state] = (r.getAttribute('aria-label') ?? '').split(', ');
      return [name!, state.join(', ')] as const;
    }),
  );
const states = async () => new Set((await shown()).map(([, state]) => state));
const tabCount = async (label: string) =>
  Number((await page.getByRole('tab', { name: new RegExp(`^${label}`) }).textContent())?.replace(/\D/g, ''));
const tabCounts = async () => ({
  all: await tabCount('All'),
  active: await tabCount('Active'),
  done: await tabCount('Done'),
  failed: await tabCount('Failed'),
});
async function engineCounts() {
  const t = await engine['transfers.totals']({});
  return { all: t.all, active: t.all - t.done - t.failed, done: t.done, failed: t.failed };
}
const names = (transfers: Transfer[]) => transfers.map((t) => t.name).sort();

describe('a long transfer list, read a page at a time', () => {
  it('counts every filter from the engine’s totals and puts only the rows in view in the page', async () => {
    await page.getByRole('button', { name: 'Resume all' }).waitFor();
    await expect.poll(tabCounts, wait).toEqual(await engineCounts());
    expect(await tabCounts()).toEqual({ all: queued + 3, active: queued, done: 2, failed: 1 });
    expect(await page.getByRole('table', { name: 'All transfers' }).getAttribute('aria-rowcount')).toBe(
      String(queued + 3 + 1),
    ); // and the header row
    await expect.poll(placeholders, wait).toBe(0);
    expect(await rowsInDom()).toBeLessThan(60);
    expect(await states()).toEqual(new Set(['Paused']));
  });

  it('shows placeholders mid-scroll, then the rows, in light and dark', async () => {
    for (const [scheme, at] of [
      ['light', 0.5],
      ['dark', 0.75],
    ] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await scrollTo(at - 0.25); // read a page first, so the screenshot shows the new theme settled
      await expect.poll(placeholders, wait).toBe(0);
      await scrollTo(at);
      await shot(`transfers-pages-scrolling-${scheme}`);
      await expect.poll(placeholders, wait).toBe(0);
      await shot(`transfers-pages-loaded-${scheme}`);
      expect(await rowsInDom()).toBeLessThan(60);
    }
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('reads the oldest page when scrolled to the bottom', async () => {
    const oldest = (await engine['transfers.list']({})).at(-1)!;
    await scrollTo(1);
    await row(oldest.name).waitFor(wait);
    const lastRow = page.locator('.list-slot [role=row]').last();
    expect(await lastRow.getAttribute('aria-rowindex')).toBe(String(queued + 3 + 1));
    expect(await rowsInDom()).toBeLessThan(60);
    // Pages only, never the whole list.
    expect(listCalls.length).toBeGreaterThan(1);
    expect(listCalls.every((p) => p.limit !== undefined && p.limit <= 500)).toBe(true);
  });

  it('shows Resume all and Pause all on the rows in view', async () => {
    await scrollTo(0);
    await expect.poll(placeholders, wait).toBe(0);
    await page.getByRole('button', { name: 'Resume all' }).click();
    await page.getByRole('button', { name: 'Pause all' }).waitFor();
    await expect.poll(async () => (await states()).has('Paused'), wait).toBe(false);
    await page.getByRole('button', { name: 'Pause all' }).click();
    await page.getByRole('button', { name: 'Resume all' }).waitFor();
    await expect.poll(async () => [...(await states())].every((s) => s === 'Paused' || s === 'Done'), wait).toBe(true);
    expect(await states()).toContain('Paused');
    // What the window shows is what the engine says, row for row.
    const top = await engine['transfers.list']({ offset: 0, limit: 10 });
    expect((await shown()).slice(0, 10).map(([name]) => name)).toEqual(top.map((t) => t.name));
  });

  it('follows Pause all and Resume all when the engine only says the list changed (transfers.invalidated)', async () => {
    // No transfers.changed per row for these, one transfers.invalidated instead, sent here (the engine's
    // own are held back too, so this passes only if the window acts on the one it is sent).
    const unmute = [tap.mute('transfers.changed'), tap.mute('transfers.invalidated')];
    try {
      await page.getByRole('button', { name: 'Resume all' }).click();
      await page.getByRole('button', { name: 'Pause all' }).waitFor();
      tap.emit('transfers.invalidated', {});
      await expect.poll(async () => (await states()).has('Paused'), wait).toBe(false);
      await page.getByRole('button', { name: 'Pause all' }).click();
      await page.getByRole('button', { name: 'Resume all' }).waitFor();
      tap.emit('transfers.invalidated', {});
      await expect
        .poll(async () => [...(await states())].every((s) => s === 'Paused' || s === 'Done'), wait)
        .toBe(true);
    } finally {
      unmute.forEach((u) => u());
    }
  });

  it('shows each filter’s own rows', async () => {
    await page.getByRole('tab', { name: /^Active/ }).click();
    await expect.poll(placeholders, wait).toBe(0);
    await expect.poll(async () => (await shown()).length, wait).toBeGreaterThan(0);
    expect([...(await states())].every((s) => s === 'Paused')).toBe(true);
    expect(await page.getByRole('table', { name: 'Active transfers' }).getAttribute('aria-rowcount')).toBe(
      String((await engineCounts()).active + 1),
    );

    const done = await engine['transfers.list']({ filter: 'done' });
    await page.getByRole('tab', { name: /^Done/ }).click();
    await expect.poll(async () => (await shown()).map(([name]) => name).sort(), wait).toEqual(names(done));
    expect(names(done)).toEqual(expect.arrayContaining(['done-a.txt', 'done-b.txt']));

    await page.getByRole('tab', { name: /^Failed/ }).click();
    await expect.poll(shown, wait).toEqual([['gone.txt', expect.stringMatching(/^Failed: /)]]);

    await page.getByRole('tab', { name: /^All/ }).click();
    await expect.poll(async () => (await shown()).length, wait).toBeGreaterThan(0);
  });

  it('clears finished transfers: the Done tab empties and every count follows', async () => {
    await page.getByRole('button', { name: 'Clear finished' }).click();
    await expect.poll(() => tabCount('Done'), wait).toBe(0);
    expect(await page.getByRole('button', { name: 'Clear finished' }).isDisabled()).toBe(true);
    await expect.poll(tabCounts, wait).toEqual(await engineCounts());
    await page.getByRole('tab', { name: /^Done/ }).click();
    await page.getByText('Nothing here.').waitFor(wait);
    await page.getByRole('tab', { name: /^All/ }).click();
    await scrollTo(1);
    await expect.poll(async () => (await shown()).some(([name]) => name.startsWith('done-')), wait).toBe(false);
    await expect.poll(placeholders, wait).toBe(0);
    expect(errors).toEqual([]);
  });
});
