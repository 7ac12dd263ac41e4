// A keyboard-only journey in Chromium against the headless daemon, the real engine and the local stack:
// sign in, add files with "Choose files…", move through the list, pause, resume and cancel a transfer,
// copy a finished upload's S3 URI, add a folder, dismiss and confirm "Stop watching", change a
// setting. Only page.keyboard is used (no clicks); after every key the focused element is the expected
// control, has a visible focus indicator, and is never the page body.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import type { FileChooser, Page } from 'playwright-core';
import type { LocalStack } from '../../server/local-stack/index.js';
import type { Headless } from './helpers/headless.js';
import { useWindow } from './helpers/window.js';
import { focusInfo, type FocusInfo } from './helpers/a11y.js';

const ui = useWindow({
  user: { username: 'ada', password: 'correct horse' },
  permissions: ['clipboard-read', 'clipboard-write'],
  consoleErrors: true,
});
let stack: LocalStack;
let headless: Headless;
let page: Page;
const errors = ui.errors;
beforeAll(() => void ({ stack, headless, page } = ui));

const wait = { timeout: 60_000 };

/** The focus after the last key: on something (never the body), visibly, and matching `expected`. */
async function focused(expected: { name?: string | RegExp; role?: string; tag?: string }): Promise<FocusInfo> {
  let info: FocusInfo | undefined;
  const matches = (i: FocusInfo) =>
    (expected.name === undefined ||
      (typeof expected.name === 'string' ? i.name === expected.name : expected.name.test(i.name))) &&
    (expected.role === undefined || i.role === expected.role) &&
    (expected.tag === undefined || i.tag === expected.tag);
  try {
    await expect.poll(async () => matches((info = await focusInfo(page))), { timeout: 10_000 }).toBe(true);
  } catch {
    throw new Error(
      `expected the focus on ${JSON.stringify(expected, (_, v: unknown) => (v instanceof RegExp ? String(v) : v))}, it is on ${JSON.stringify(info)}`,
    );
  }
  expect(info!.tag, 'focus is on the page body').not.toBe('BODY');
  expect(info!.visible, `no visible focus on ${info!.name}`).toBe(true);
  return info!;
}

/** Presses Tab (or Shift+Tab) until `wanted` has the focus, checking every stop on the way. */
async function tabTo(wanted: string | RegExp, { back = false, most = 40 } = {}): Promise<void> {
  for (let i = 0; i < most; i++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    const info = await focusInfo(page);
    expect(info.tag, 'focus is on the page body').not.toBe('BODY');
    expect(info.visible, `no visible focus on ${info.name}`).toBe(true);
    if (typeof wanted === 'string' ? info.name === wanted : wanted.test(info.name)) return;
  }
  throw new Error(`${String(wanted)} not reached in ${most} presses of ${back ? 'Shift+Tab' : 'Tab'}`);
}

const rowName = (info: FocusInfo) => info.name.split(', ')[0]!;
const stateOf = async (name: string) =>
  (
    await page.getByRole('row', { name: new RegExp(`^${name.replaceAll('.', '\\.')},`) }).getAttribute('aria-label')
  )?.split(', ')[1];

it('signs in, uploads, steers transfers and folders and changes a setting with the keyboard alone', async () => {
  // File choosers are intercepted from the start, so the one Enter opens is caught however soon it opens.
  const choosers: FileChooser[] = [];
  page.on('filechooser', (c) => choosers.push(c));
  const nextChooser = async () => {
    await expect.poll(() => choosers.length, wait).toBeGreaterThan(0);
    return choosers.shift()!;
  };
  // Sign in: the username field has the focus when the page opens.
  await focused({ name: 'Username' });
  await page.keyboard.type('ada');
  await page.keyboard.press('Tab');
  await focused({ name: 'Password' });
  await page.keyboard.type('correct horse');
  await page.keyboard.press('Enter');
  // The form is gone: the focus goes on to the current tab, not to the page.
  await focused({ name: 'Transfers', role: 'tab' });

  // A small file first, through "Choose files…" and the browser's file chooser.
  await tabTo('Choose files…');
  await page.keyboard.press('Enter');
  await (
    await nextChooser()
  ).setFiles([{ name: 'done.txt', mimeType: 'text/plain', buffer: Buffer.from('done by keyboard') }]);
  await focused({ name: 'Choose files…' });
  await expect.poll(() => stateOf('done.txt'), wait).toBe('Done');

  // Then three on a slow link, one at a time, to steer while they wait or upload.
  await headless.engine['settings.update']({ filesInParallel: 1, bandwidthLimit: 16 * 1024 });
  await page.keyboard.press('Enter');
  const big = (name: string) => ({
    name,
    mimeType: 'application/octet-stream',
    // Over the size sent from memory in one go (which pays the bandwidth limit after it is sent), so
    // each is streamed through the limit and is still uploading while it is steered.
    buffer: Buffer.alloc(2 * 1024 * 1024, name),
  });
  await (await nextChooser()).setFiles([big('one.bin'), big('two.bin'), big('three.bin')]);
  for (const name of ['one.bin', 'two.bin', 'three.bin'])
    await expect.poll(() => stateOf(name), wait).toMatch(/Uploading|Queued|Waiting/);

  // Into the list: one row is in the tab order, the arrows move between rows.
  await tabTo(/^(one|two|three)\.bin, /);
  const first = rowName(await focused({ role: 'row' }));
  await page.keyboard.press('ArrowDown');
  const second = rowName(await focused({ role: 'row' }));
  await page.keyboard.press('ArrowDown');
  const third = rowName(await focused({ role: 'row' }));
  await page.keyboard.press('ArrowDown');
  await focused({ name: /^done\.txt, Done/, role: 'row' });
  expect(new Set([first, second, third])).toEqual(new Set(['one.bin', 'two.bin', 'three.bin']));
  await page.keyboard.press('Home');
  await focused({ name: new RegExp(`^${first.replace('.', '\\.')},`), role: 'row' });
  await page.keyboard.press('End');
  await focused({ name: /^done\.txt,/, role: 'row' });

  // A finished upload's S3 URI, copied.
  await page.keyboard.press('Tab');
  await focused({ name: 'Copy S3 URI of done.txt' });
  await page.keyboard.press('Enter');
  await focused({ name: 'Copied the S3 URI of done.txt' });
  const { identityId } = await headless.engine['session.get']({});
  expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe(
    `s3://${stack.bucket}/uploads/${identityId}/done.txt`,
  );
  // The browser cannot open a file manager: no "Show in folder" here.
  expect(await page.getByRole('button', { name: /in folder$/ }).count()).toBe(0);

  // Pause and resume one: the same button stays focused as its label flips.
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Home');
  await focused({ name: new RegExp(`^${first.replace('.', '\\.')},`), role: 'row' });
  await page.keyboard.press('Tab');
  await focused({ name: `Pause ${first}` });
  await page.keyboard.press('Enter');
  await focused({ name: `Resume ${first}` });
  await expect.poll(() => stateOf(first), wait).toBe('Paused');
  await page.keyboard.press('Enter');
  await focused({ name: `Pause ${first}` });
  await expect.poll(() => stateOf(first), wait).not.toBe('Paused');

  // Cancel it: its row leaves the list and the row now in its place has the focus.
  await page.keyboard.press('Tab');
  await focused({ name: `Cancel ${first}` });
  await page.keyboard.press('Enter');
  await focused({ name: new RegExp(`^${second.replace('.', '\\.')},`), role: 'row' });
  await expect
    .poll(() => page.getByRole('row', { name: new RegExp(`^${first.replace('.', '\\.')},`) }).count())
    .toBe(0);

  // Folders: back to the tabs, on to Folders, add one by its path.
  await tabTo('Transfers', { back: true });
  await page.keyboard.press('ArrowRight');
  await focused({ name: 'Folders', role: 'tab' });
  const folder = await mkdtemp(path.join(tmpdir(), 'hoist-keys-'));
  const label = path.basename(folder);
  try {
    await tabTo('Folder on this computer');
    await page.keyboard.type(folder);
    await page.keyboard.press('Enter');
    await page.getByRole('listitem', { name: new RegExp(`^${label},`) }).waitFor();
    await focused({ name: 'Folder on this computer' });

    // "Stop watching" asks; Escape closes the question and gives the focus back to the bin.
    await tabTo(`Stop watching ${label}`);
    await page.keyboard.press('Enter');
    await focused({ name: 'Keep watching' });
    expect(await page.getByRole('group', { name: `Stop watching ${label}?` }).count()).toBe(1);
    await page.keyboard.press('Escape');
    await focused({ name: `Stop watching ${label}` });
    expect(await page.getByRole('group', { name: `Stop watching ${label}?` }).count()).toBe(0);
    // "Keep watching" does the same.
    await page.keyboard.press('Enter');
    await focused({ name: 'Keep watching' });
    await page.keyboard.press('Enter');
    await focused({ name: `Stop watching ${label}` });
    // Confirmed: the folder goes, the focus stays in the tab (on its list's heading).
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    await focused({ name: 'Stop watching', tag: 'BUTTON' });
    await page.keyboard.press('Enter');
    await focused({ name: 'Watched folders' });
    await expect.poll(async () => (await headless.engine['folders.list']({})).length).toBe(0);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }

  // Settings: change one and save with Enter.
  await tabTo('Folders', { back: true });
  await page.keyboard.press('ArrowRight');
  await focused({ name: 'Settings', role: 'tab' });
  // The form appears once the engine has answered settings.get ("Loading settings…" until then); tabbing
  // before it is there walks past where it will be, to the end of the page.
  await page.getByRole('spinbutton', { name: 'Files uploaded at a time' }).waitFor();
  await tabTo('Files uploaded at a time');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('3');
  await page.keyboard.press('Enter');
  await page.getByText('Saved.').waitFor();
  await focused({ name: 'Files uploaded at a time' });
  expect((await headless.engine['settings.get']({})).filesInParallel).toBe(3);

  await headless.engine['transfers.cancelAll']({});
  expect(errors).toEqual([]);
});
