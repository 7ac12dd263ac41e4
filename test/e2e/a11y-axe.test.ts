// Every screen and state of the window checked with axe-core (WCAG 2.1 A and AA) in Chromium, in light
// and dark, against the headless daemon, the real engine and the local stack: sign-in and each of its
// errors, the empty list, transfers in every state (real uploads, made slow by Hoist's own bandwidth
// limit), folders in every state with the "Stop watching" confirmation, and settings with a validation
// error. Also: one polite live region says when transfers finish or fail (not on progress), reduced
// motion stops every transition, and forced colours (Windows high contrast) keep focus and progress
// visible. Screenshots of the main window in light and dark go to test-results/screenshots/.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { LocalStack } from '../../server/local-stack/index.js';
import type { Headless } from './helpers/headless.js';
import { useWindow } from './helpers/window.js';
import type { Folder } from '../../electron/common/contract.js';
import { waitForTransfer } from '../support/engine.js';
import { axeViolations, focusInfo, movingElements, recordTexts, saveScreenshot } from './helpers/a11y.js';

const ui = useWindow({ user: { username: 'ada', password: 'correct horse' }, consoleErrors: true });
let stack: LocalStack;
let headless: Headless;
let page: Page;
const errors = ui.errors;
beforeAll(() => void ({ stack, headless, page } = ui));
let filesDir: string;
beforeAll(async () => void (filesDir = await mkdtemp(path.join(tmpdir(), 'hoist-a11y-'))));
afterAll(async () => filesDir && (await rm(filesDir, { recursive: true, force: true })));

const wait = { timeout: 60_000 };

async function file(name: string, bytes: number | string): Promise<string> {
  const p = path.join(filesDir, name);
  await writeFile(p, typeof bytes === 'string' ? bytes : Buffer.alloc(bytes, name));
  return p;
}

const row = (name: string) => page.getByRole('row', { name: new RegExp(`^${name.replaceAll('.', '\\.')},`) });
const rowState = async (name: string) => (await row(name).getAttribute('aria-label'))?.split(', ').slice(1).join(', ');
const tab = (name: string) => page.getByRole('tab', { name: new RegExp(`^${name}`) });

describe('sign-in', () => {
  it('has no violations as it opens, after a wrong password and when the server cannot be reached', async () => {
    await page.getByLabel('Username').waitFor();
    const found = await axeViolations(page, 'sign-in');

    await page.getByLabel('Username').fill('ada');
    await page.getByLabel('Password').fill('wrong');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/username or password is not correct/);
    found.push(...(await axeViolations(page, 'sign-in, wrong password')));

    await page.getByRole('button', { name: 'Change' }).click();
    await page.getByLabel('Sign-in server').fill('http://127.0.0.1:9');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/cannot be reached/);
    found.push(...(await axeViolations(page, 'sign-in, server unreachable')));
    expect(found).toEqual([]);

    await page.getByLabel('Sign-in server').fill(stack.brokerUrl);
    await page.getByLabel('Password').fill('correct horse');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
  });
});

describe('signed in', () => {
  it('has no violations with nothing uploaded, no folders and the settings as they are', async () => {
    await page.getByText('Nothing uploaded yet.').waitFor();
    const found = await axeViolations(page, 'empty transfer list');
    await tab('Folders').click();
    await page.getByText('No folders yet.').waitFor();
    found.push(...(await axeViolations(page, 'no folders')));
    await tab('Settings').click();
    await page.getByLabel('Files uploaded at a time').waitFor();
    found.push(...(await axeViolations(page, 'settings')));
    await tab('Transfers').click();
    expect(found).toEqual([]);
  });

  it('has no violations with transfers queued, uploading, paused, failed and done; the live region speaks only when they finish', async () => {
    const { engine } = headless;
    // The one live region for transfers: every text it ever shows, in order.
    const announced = await recordTexts(page, '[data-testid="transfer-announcements"]');

    const done = await engine['transfers.add']({ paths: [await file('done.txt', 'done')] });
    await waitForTransfer(engine, done.ids[0]!, (t) => t.state === 'done');
    await expect.poll(announced, wait).toEqual([expect.stringMatching(/done\.txt/)]);

    // Failed: its file is gone by the time its upload starts.
    await engine['transfers.pauseAll']({});
    const gone = await file('gone.txt', 'gone');
    const failed = await engine['transfers.add']({ paths: [gone] });
    await rm(gone);
    await engine['transfers.resumeAll']({});
    await waitForTransfer(engine, failed.ids[0]!, (t) => t.state === 'failed');
    await expect
      .poll(announced, wait)
      .toEqual([expect.stringMatching(/done\.txt/), expect.stringMatching(/gone\.txt/)]);

    // One at a time on a slow link: one uploads, the others wait their turn.
    await engine['settings.update']({ filesInParallel: 1, bandwidthLimit: 16 * 1024 });
    const slow = await engine['transfers.add']({ paths: [await file('uploading.bin', 4 * 1024 * 1024)] });
    await waitForTransfer(engine, slow.ids[0]!, (t) => t.state === 'uploading' && t.bytesDone > 0);
    const others = await engine['transfers.add']({
      paths: [
        await file('queued.bin', 1024 * 1024),
        await file('paused.bin', 1024 * 1024),
        await file('cancelled.bin', 1024 * 1024),
      ],
    });
    await engine['transfers.pause']({ id: others.ids[1]! });
    await engine['transfers.cancel']({ id: others.ids[2]! });
    for (const [name, state] of [
      ['done.txt', 'Done'],
      ['gone.txt', /^Failed/],
      ['uploading.bin', 'Uploading'],
      ['queued.bin', 'Queued'],
      ['paused.bin', 'Paused'],
    ] as const) {
      await expect.poll(() => rowState(name), wait).toMatch(state);
    }
    // A cancelled transfer leaves the list (the engine forgets it): its row goes.
    await expect.poll(() => row('cancelled.bin').count(), wait).toBe(0);
    // The upload's progress reaches the window several times, and the live region stays as it was.
    const progress = row('uploading.bin').getByRole('progressbar', { name: 'uploading.bin progress' });
    const seen = new Set<string>();
    await expect
      .poll(async () => seen.add((await progress.getAttribute('aria-valuenow')) ?? '').size, wait)
      .toBeGreaterThan(2);
    expect(await progress.getAttribute('aria-valuemin')).toBe('0');
    expect(await progress.getAttribute('aria-valuemax')).toBe('100');
    expect(await announced()).toHaveLength(2);

    const found = await axeViolations(page, 'transfers in every state');
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await saveScreenshot(page, `main-${scheme}`);
    }
    await page.emulateMedia({ colorScheme: 'light' });
    for (const filter of ['Active', 'Done', 'Failed']) {
      await tab(filter).click();
      found.push(...(await axeViolations(page, `${filter} filter`)));
    }
    await tab('All').click();
    expect(found).toEqual([]);

    await engine['transfers.cancel']({ id: slow.ids[0]! });
    await engine['transfers.cancel']({ id: others.ids[0]! });
    await engine['transfers.cancel']({ id: others.ids[1]! });
    await engine['settings.update']({ filesInParallel: 4, bandwidthLimit: null });
  });

  it('has no violations with folders watching (with a problem), paused, unavailable, scanning and in error, and asking before it stops watching', async () => {
    const { engine } = headless;
    const made = async (name: string) => mkdtemp(path.join(filesDir, `${name}-`));
    // Watching, with a name that cannot be a storage key listed on it.
    const watching = await made('watching');
    await writeFile(path.join(watching, 'ok.txt'), 'ok');
    await writeFile(path.join(watching, 'bad\u0001name.txt'), 'bad');
    const paused = await made('paused');
    const unavailable = await made('unavailable');
    const added = new Map<string, Folder>();
    for (const dir of [watching, paused, unavailable]) added.set(dir, await engine['folders.add']({ path: dir }));
    const stateOf = async (dir: string) =>
      (await engine['folders.list']({})).find((f) => f.id === added.get(dir)!.id)?.state;
    for (const dir of added.keys()) await expect.poll(() => stateOf(dir), wait).toBe('watching');
    await engine['folders.pause']({ id: added.get(paused)!.id });
    await rm(unavailable, { recursive: true });
    await expect.poll(() => stateOf(unavailable), wait).toBe('unavailable');

    // Two states cannot be held still here: "Error" needs a folder root that cannot be read or an
    // exhausted inotify limit (neither can a test running as root on a shared machine bring about),
    // and "Scanning" lasts only as long as a scan. Those two folders are added to the engine's own
    // list in the one folders event the window gets meanwhile; everything else is real.
    const extra: Folder[] = [
      {
        id: 'broken',
        path: '/srv/broken',
        label: 'Broken',
        state: 'error',
        filesSeen: 0,
        message: 'The folder cannot be read: permission denied.',
      },
      { id: 'scanning', path: '/srv/scanning', label: 'Big', state: 'scanning', filesSeen: 1200 },
    ];
    const unmute = headless.tap.mute('folders');
    headless.tap.emit('folders', { folders: [...(await engine['folders.list']({})), ...extra] });
    try {
      await tab('Folders').click();
      await page.getByRole('listitem', { name: /^Broken, Error/ }).waitFor();
      await page.getByRole('listitem', { name: /^Big, Scanning/ }).waitFor();
      const found = await axeViolations(page, 'folders in every state');
      const label = path.basename(watching);
      await page.getByRole('button', { name: `Stop watching ${label}` }).click();
      await page.getByRole('group', { name: `Stop watching ${label}?` }).waitFor();
      found.push(...(await axeViolations(page, 'stop watching confirmation')));
      await saveScreenshot(page, 'folders-light');
      expect(found).toEqual([]);
      await page.getByRole('button', { name: 'Keep watching' }).click();
    } finally {
      unmute();
      for (const folder of added.values()) await engine['folders.remove']({ id: folder.id });
    }
  });

  it('has no violations in settings with a value out of range, and says which', async () => {
    await tab('Settings').click();
    const files = page.getByLabel('Files uploaded at a time');
    await files.fill('0');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const problem = page.getByText('Files uploaded at a time must be a whole number from 1 to 64.');
    await problem.waitFor();
    expect(await files.getAttribute('aria-invalid')).toBe('true');
    expect(await files.getAttribute('aria-describedby')).toContain(await problem.getAttribute('id'));
    const found = await axeViolations(page, 'settings with a validation error');
    await saveScreenshot(page, 'settings-error-light');
    expect(found).toEqual([]);
    expect((await headless.engine['settings.get']({})).filesInParallel).toBe(4);
    await page.getByRole('button', { name: 'Revert' }).click();
    await tab('Transfers').click();
  });
});

describe('media preferences', () => {
  it('stops every animation and transition when reduced motion is asked for', async () => {
    const moving = () => movingElements(page);
    // Not vacuous: without the preference, something moves (the progress fills, the buttons).
    expect(await moving()).toBeGreaterThan(0);
    await page.emulateMedia({ reducedMotion: 'reduce' });
    expect(await moving()).toBe(0);
    await page.emulateMedia({ reducedMotion: 'no-preference' });
  });

  it('keeps focus and progress visible in forced colours (Windows high contrast)', async () => {
    await page.emulateMedia({ forcedColors: 'active' });
    try {
      await tab('Transfers').click();
      await tab('Transfers').focus();
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('ArrowLeft');
      const focus = await focusInfo(page);
      expect(focus).toMatchObject({ name: 'Transfers', visible: true });
      // The fill of a finished transfer's bar is drawn in a colour other than its track's.
      const track = row('done.txt').locator('.progress');
      const colour = (css: string) =>
        `getComputedStyle(document.querySelector(${JSON.stringify(css)})).backgroundColor`;
      expect(await track.count()).toBe(1);
      const [trackColour, fillColour] = await page.evaluate<string[]>(
        `[${colour('.row-done .progress')}, ${colour('.row-done .progress-fill')}]`,
      );
      expect(fillColour).not.toBe(trackColour);
      await saveScreenshot(page, 'main-forced-colors');
    } finally {
      await page.emulateMedia({ forcedColors: 'none' });
    }
  });

  it('ends with no errors in the page', () => {
    expect(errors).toEqual([]);
  });
});
