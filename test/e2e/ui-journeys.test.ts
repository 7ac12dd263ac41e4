// The journeys a person makes, in Chromium against the headless daemon, the real engine and the local
// stack (local cloud + broker): sign in (after a wrong password), drop files and choose files, watch
// them reach "Done" and find them in the bucket, pause / resume / cancel one transfer and all of them,
// folders and settings, and a failed action shown to the user. Screenshots of each screen go to test/e2e/artifacts/.
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { LocalStack } from '../../server/local-stack/index.js';
import type { Headless } from './helpers/headless.js';
import { useWindow } from './helpers/window.js';

const ui = useWindow({ user: { username: 'ada', password: 'correct horse' }, localMode: true });
let stack: LocalStack;
let headless: Headless;
let page: Page;
const errors = ui.errors;
beforeAll(() => void ({ stack, headless, page } = ui));

const shot = (name: string, target: Page = page) => target.screenshot({ path: `test/e2e/artifacts/${name}.png` });
const row = (name: string) => page.getByRole('row', { name: new RegExp(`^${name.replace('.', '\\.')},`) });
const rowState = async (name: string) => (await row(name).getAttribute('aria-label'))?.split(', ').slice(1).join(', ');

/** What the bucket holds at the user's prefix for a destination. */
async function objectText(destination: string): Promise<string> {
  const { identityId } = await headless.engine['session.get']({});
  const s3 = new S3Client({
    region: stack.region,
    endpoint: stack.s3Endpoint,
    forcePathStyle: true,
    credentials: stack.adminCredentials,
  });
  const object = await s3.send(
    new GetObjectCommand({ Bucket: stack.bucket, Key: `uploads/${identityId}/${destination}` }),
  );
  return (await object.Body?.transformToString()) ?? '';
}

/** Drops files on the drop zone the way a browser does: a DataTransfer on dragenter, dragover and drop. */
async function dropFiles(files: { name: string; text: string }[]): Promise<void> {
  const data = await page.evaluateHandle((list) => {
    // In the page: DataTransfer is a DOM type, which this Node-side file does not declare.
    const { DataTransfer: Transfer } = globalThis as unknown as {
      DataTransfer: new () => { items: { add(file: File): void } };
    };
    const transfer = new Transfer();
    for (const f of list) transfer.items.add(new File([f.text], f.name, { type: 'text/plain' }));
    return transfer;
  }, files);
  const zone = page.getByTestId('drop-zone');
  for (const type of ['dragenter', 'dragover', 'drop']) await zone.dispatchEvent(type, { dataTransfer: data });
}

describe('signed-in journeys', () => {
  it('explains a wrong password, then signs in', async () => {
    await page.getByLabel('Username').fill('ada');
    await page.getByLabel('Password').fill('wrong');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    // Explains: the wrong password itself, not any failure ("Something went wrong.").
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/username or password is not correct/);
    expect((await headless.engine['session.get']({})).state).not.toBe('signed-in');
    await shot('journey-signin-error');
    await page.getByLabel('Password').fill('correct horse');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    expect((await headless.engine['session.get']({})).state).toBe('signed-in');
  });

  it('uploads dropped files to the user’s prefix and shows them done', async () => {
    await dropFiles([
      { name: 'notes.txt', text: 'dropped notes' },
      { name: 'plan.txt', text: 'the plan' },
    ]);
    await expect.poll(() => rowState('notes.txt'), { timeout: 60_000 }).toBe('Done');
    await expect.poll(() => rowState('plan.txt'), { timeout: 60_000 }).toBe('Done');
    const destination = await row('notes.txt').locator('.destination').getAttribute('title');
    expect(await objectText(destination!)).toBe('dropped notes');
    // The staged copies the browser sent are deleted once their uploads are verified.
    await expect.poll(() => readdir(path.join(headless.dataDir, 'staging'))).toEqual([]);
    await shot('journey-transfers-done');
  });

  it('uploads chosen files', async () => {
    await page
      .getByTestId('choose-files')
      .setInputFiles([{ name: 'chosen.txt', mimeType: 'text/plain', buffer: Buffer.from('chosen bytes') }]);
    await expect.poll(() => rowState('chosen.txt'), { timeout: 60_000 }).toBe('Done');
    const destination = await row('chosen.txt').locator('.destination').getAttribute('title');
    expect(await objectText(destination!)).toBe('chosen bytes');
  });

  it('pauses, resumes and cancels one transfer, and all of them', async () => {
    // A slow link makes the transfers last long enough to act on.
    await headless.engine['settings.update']({ bandwidthLimit: 64 * 1024 });
    const big = (name: string) => ({
      name,
      mimeType: 'application/octet-stream',
      buffer: Buffer.alloc(6 * 1024 * 1024, name),
    });
    await page.getByTestId('choose-files').setInputFiles([big('slow-a.bin'), big('slow-b.bin')]);
    await row('slow-a.bin').waitFor();
    await expect.poll(() => rowState('slow-a.bin'), { timeout: 30_000 }).toMatch(/Uploading|Queued|Waiting/);

    await row('slow-a.bin').getByRole('button', { name: 'Pause slow-a.bin' }).click();
    await expect.poll(() => rowState('slow-a.bin')).toBe('Paused');
    await shot('journey-transfer-paused');
    await row('slow-a.bin').getByRole('button', { name: 'Resume slow-a.bin' }).click();
    await expect.poll(() => rowState('slow-a.bin')).not.toBe('Paused');

    await page.getByRole('button', { name: 'Pause all' }).click();
    await page.getByRole('button', { name: 'Resume all' }).waitFor();
    await expect.poll(() => page.getByText('All transfers paused').count()).toBe(1);
    await shot('journey-paused-all');
    await page.getByRole('button', { name: 'Resume all' }).click();
    await page.getByRole('button', { name: 'Pause all' }).waitFor();

    await row('slow-b.bin').getByRole('button', { name: 'Cancel slow-b.bin' }).click();
    await expect
      .poll(async () => (await row('slow-b.bin').count()) === 0 || (await rowState('slow-b.bin')) === 'Cancelled')
      .toBe(true);
    await row('slow-a.bin').getByRole('button', { name: 'Cancel slow-a.bin' }).click();
    await headless.engine['settings.update']({ bandwidthLimit: null });
  });

  it('filters the list and shows each screen in light and dark', async () => {
    await page.getByRole('tab', { name: /^Done/ }).click();
    await expect.poll(() => row('notes.txt').count()).toBe(1);
    await page.getByRole('tab', { name: /^All/ }).click();
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.getByRole('tab', { name: 'Transfers' }).click();
      await shot(`transfers-${scheme}`);
      await page.getByRole('tab', { name: 'Folders' }).click();
      await page.getByText('Hoist only adds files.').waitFor();
      await shot(`folders-${scheme}`);
      await page.getByRole('tab', { name: 'Settings' }).click();
      await page.getByText('Files uploaded at a time').waitFor();
      await shot(`settings-${scheme}`);
    }
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('saves a setting', async () => {
    await page.getByRole('tab', { name: 'Settings' }).click();
    const files = page.getByLabel('Files uploaded at a time');
    await files.fill('5');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Saved.').waitFor();
    expect((await headless.engine['settings.get']({})).filesInParallel).toBe(5);
  });

  it('shows settings changed elsewhere at once, keeping what the user is typing', async () => {
    await page.getByRole('tab', { name: 'Settings' }).click();
    const files = page.getByLabel('Files uploaded at a time');
    const parts = page.getByLabel('Parts of each file at a time');
    await files.fill('3'); // typed, not saved
    // Another window or `hoist` changes the settings: the engine's own command, as the control socket calls it.
    await headless.engine['settings.update']({ partsInParallel: 11 });
    await expect.poll(() => parts.inputValue()).toBe('11');
    expect(await files.inputValue()).toBe('3');
    await page.getByRole('button', { name: 'Revert' }).click();
    expect(await files.inputValue()).toBe('5');
  });

  it('adds a folder by path and sees its files arrive', async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'hoist-folder-'));
    await writeFile(path.join(folder, 'inside.txt'), 'from a folder');
    await page.getByRole('tab', { name: 'Folders' }).click();
    await page.getByLabel('Folder on this computer').fill(folder);
    await page.getByRole('button', { name: 'Add folder' }).click();
    await page.getByRole('listitem', { name: new RegExp(path.basename(folder)) }).waitFor();
    await page.getByRole('tab', { name: 'Transfers' }).click();
    await expect.poll(() => rowState('inside.txt'), { timeout: 60_000 }).toBe('Done');
    await rm(folder, { recursive: true, force: true });
  });

  it('pauses, resumes and stops watching a folder; says that deletions and renames are not mirrored', async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'hoist-steer-'));
    const label = path.basename(folder);
    const item = page.getByRole('listitem', { name: new RegExp(`^${label},`) });
    await writeFile(path.join(folder, 'first.txt'), 'first');
    await page.getByRole('tab', { name: 'Folders' }).click();
    await page.getByRole('note').filter({ hasText: 'does not delete or rename it in storage' }).waitFor();
    await page.getByLabel('Folder on this computer').fill(folder);
    await page.getByRole('button', { name: 'Add folder' }).click();
    await expect.poll(() => item.getAttribute('aria-label'), { timeout: 30_000 }).toBe(`${label}, Watching · 1 file`);

    await page.getByRole('button', { name: `Pause ${label}` }).click();
    await expect.poll(() => item.getAttribute('aria-label')).toBe(`${label}, Paused`);
    // Paused means not watched: the new file waits. Not a sleep: a file written after it in a folder
    // that is watched goes through the same watcher and stability window and reaches "Done"; by then a
    // watched while-paused.txt would be in the list too.
    const canaryDir = await mkdtemp(path.join(tmpdir(), 'hoist-canary-'));
    const canary = await headless.engine['folders.add']({ path: canaryDir });
    await expect
      .poll(async () => (await headless.engine['folders.list']({})).find((f) => f.id === canary.id)?.state, {
        timeout: 30_000,
      })
      .toBe('watching');
    await writeFile(path.join(folder, 'while-paused.txt'), 'while paused');
    await writeFile(path.join(canaryDir, 'canary.txt'), 'canary');
    await page.getByRole('tab', { name: 'Transfers' }).click();
    await expect.poll(() => rowState('canary.txt'), { timeout: 60_000 }).toBe('Done');
    expect(await row('while-paused.txt').count()).toBe(0);
    await headless.engine['folders.remove']({ id: canary.id });
    await rm(canaryDir, { recursive: true, force: true });

    await page.getByRole('tab', { name: 'Folders' }).click();
    await page.getByRole('button', { name: `Resume ${label}` }).click();
    await page.getByRole('tab', { name: 'Transfers' }).click();
    await expect.poll(() => rowState('while-paused.txt'), { timeout: 60_000 }).toBe('Done');
    expect(await objectText(`${label}/while-paused.txt`)).toBe('while paused');

    await page.getByRole('tab', { name: 'Folders' }).click();
    // Stopping asks first, in place; "Keep watching" changes nothing.
    const confirm = page.getByRole('group', { name: `Stop watching ${label}?` });
    await page.getByRole('button', { name: `Stop watching ${label}` }).click();
    await confirm.getByText('files already uploaded stay in storage').waitFor();
    await shot('folder-stop-confirm');
    await confirm.getByRole('button', { name: 'Keep watching' }).click();
    await expect.poll(() => confirm.count()).toBe(0);
    expect(await item.getAttribute('aria-label')).toBe(`${label}, Watching · 2 files`);
    await page.getByRole('button', { name: `Stop watching ${label}` }).click();
    await confirm.getByRole('button', { name: 'Stop watching' }).click();
    await expect.poll(() => item.count()).toBe(0);
    // Stopping watching deletes nothing that was uploaded.
    expect(await objectText(`${label}/first.txt`)).toBe('first');
    await rm(folder, { recursive: true, force: true });
  });

  it('keeps 10,000 transfers smooth: only the rows in view are in the page', async () => {
    await page.getByRole('tab', { name: 'Transfers' }).click();
    // Paused first so the 10,000 stay in the list as queued work instead of uploading.
    await page.getByRole('button', { name: 'Pause all' }).click();
    await page.getByRole('button', { name: 'Resume all' }).waitFor();
    const folder = await mkdtemp(path.join(tmpdir(), 'hoist-many-'));
    const paths: string[] = [];
    for (let i = 0; i < 10_000; i++) paths.push(path.join(folder, `many-${String(i).padStart(5, '0')}.txt`));
    await Promise.all(paths.map((p) => writeFile(p, 'x')));
    await headless.engine['transfers.add']({ paths });
    await expect
      .poll(() => page.getByRole('tab', { name: /^All/ }).textContent(), { timeout: 60_000 })
      .toMatch(/10,0\d\d/);
    expect(await page.locator('.list-body [role=row]').count()).toBeLessThan(60);
    await page.locator('.list-body').evaluate((el) => (el.scrollTop = el.scrollHeight));
    // Newest first: the first files of this session sit at the very bottom.
    await row('notes.txt').waitFor({ timeout: 10_000 });
    expect(await page.locator('.list-body [role=row]').count()).toBeLessThan(60);
    await shot('transfers-10000');
    await headless.engine['transfers.resumeAll']({});
    await headless.engine['transfers.cancelAll']({});
    await rm(folder, { recursive: true, force: true });
  });

  it('shows a failed action to the user until it is dismissed, in light and dark', async () => {
    const clearHistory = headless.engine['transfers.clearHistory'];
    headless.engine['transfers.clearHistory'] = () => Promise.reject(new Error('The history is busy; try again.'));
    try {
      await page.getByRole('tab', { name: 'Transfers' }).click();
      const alert = page.getByRole('alert').filter({ hasText: 'Could not clear finished transfers' });
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        await page.getByRole('button', { name: 'Clear finished' }).click();
        await alert.waitFor();
        expect(await alert.textContent()).toContain('The history is busy; try again.');
        await shot(`action-error-${scheme}`);
        if (scheme === 'light') await page.keyboard.press('Escape');
        else await alert.getByRole('button', { name: 'Dismiss: Could not clear finished transfers' }).click();
        await expect.poll(() => alert.count()).toBe(0);
      }
    } finally {
      headless.engine['transfers.clearHistory'] = clearHistory;
      await page.emulateMedia({ colorScheme: 'light' });
    }
  });

  it('signs out back to the sign-in screen', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Username').waitFor();
    expect(errors).toEqual([]);
  });
});
