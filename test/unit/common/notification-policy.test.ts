// The notification policy fed the event sequences the engine sends: one notification per finished
// batch, one for a failure, one for what needs the user, none with the setting off.
import { describe, expect, it } from 'vitest';
import type { Folder, Settings, Totals, Transfer } from '../../../electron/common/contract.js';
import {
  createNotificationPolicy,
  type Notice,
  type PolicyInput,
} from '../../../electron/common/notification-policy.js';

const started = 1_000;
const totals = (active: number, queued: number): Totals => ({
  active,
  queued,
  failed: 0,
  done: 0,
  all: 0,
  bytesDone: 0,
  bytesTotal: 0,
  rate: 0,
  pausedAll: false,
});
const transfer = (id: string, state: Transfer['state'], extra: Partial<Transfer> = {}): Transfer => ({
  id,
  name: `${id}.jpg`,
  sourcePath: `/home/ada/Photos/${id}.jpg`,
  destination: `Photos/${id}.jpg`,
  size: 10,
  bytesDone: 0,
  state,
  rate: 0,
  origin: { kind: 'folder', folderId: 'f1' },
  createdAt: started + 1,
  ...(state === 'done' || state === 'failed' ? { finishedAt: started + 2 } : {}),
  ...extra,
});
const photos: Folder = { id: 'f1', path: '/home/ada/Photos', label: 'Photos', state: 'watching', filesSeen: 12 };
const settings = (notifications: boolean) => ({ notifications }) as Settings;

/** Feeds every input and collects what the policy asks to show. */
function run(inputs: PolicyInput[], enabled = true): Notice[] {
  const policy = createNotificationPolicy({ startedAt: started, enabled });
  return inputs.flatMap((input) => policy.feed(input));
}

/** Twelve files of the Photos folder: queued, uploaded four at a time, each finishing in its own event. */
function batchOf12(): PolicyInput[] {
  const ids = Array.from({ length: 12 }, (_, i) => `t${i}`);
  const inputs: PolicyInput[] = [
    { kind: 'folders', folders: [photos] },
    { kind: 'transfers', transfers: ids.map((id) => transfer(id, 'queued')) },
    { kind: 'totals', totals: totals(0, 12) },
  ];
  ids.forEach((id, i) => {
    inputs.push({ kind: 'transfers', transfers: [transfer(id, 'uploading')] });
    inputs.push({ kind: 'totals', totals: totals(1, 11 - i) });
    inputs.push({ kind: 'transfers', transfers: [transfer(id, 'done')] });
    inputs.push({ kind: 'totals', totals: totals(0, 11 - i) });
  });
  return inputs;
}

describe('notification policy', () => {
  it('a batch of 12 files gives one notification, when the last one is done', () => {
    const inputs = batchOf12();
    const notices = run(inputs);
    expect(notices).toEqual([{ title: 'Upload complete', body: '12 files uploaded to Photos.' }]);
    // Not before: everything up to the last file's "done" says nothing.
    expect(run(inputs.slice(0, -2))).toEqual([]);
  });

  it('waits while the engine counts pending transfers it did not list (a large batch)', () => {
    const notices = run([
      { kind: 'folders', folders: [photos] },
      // 500 queued: the engine sent an invalidation instead of rows, so only the counts say so.
      { kind: 'transfers', transfers: [transfer('a', 'uploading')] },
      { kind: 'totals', totals: totals(1, 499) },
      { kind: 'transfers', transfers: [transfer('a', 'done')] },
      { kind: 'totals', totals: totals(0, 499) },
    ]);
    expect(notices).toEqual([]);
  });

  it('a failed file gives one notification that names it and why', () => {
    const notices = run([
      { kind: 'transfers', transfers: [transfer('a', 'queued', { origin: { kind: 'drop' } })] },
      { kind: 'totals', totals: totals(0, 1) },
      { kind: 'transfers', transfers: [transfer('a', 'uploading', { origin: { kind: 'drop' } })] },
      { kind: 'totals', totals: totals(1, 0) },
      {
        kind: 'transfers',
        transfers: [
          transfer('a', 'failed', {
            origin: { kind: 'drop' },
            error: { code: 'file_missing', message: 'the file was deleted', retryable: false },
          }),
        ],
      },
      { kind: 'totals', totals: totals(0, 0) },
    ]);
    expect(notices).toEqual([{ title: 'A file could not be uploaded', body: 'a.jpg: the file was deleted' }]);
  });

  it('successes and failures of one batch are one notification', () => {
    const inputs = batchOf12();
    // The last file fails instead of finishing.
    inputs.splice(-2, 1, {
      kind: 'transfers',
      transfers: [
        transfer('t11', 'failed', { error: { code: 'access_denied', message: 'access denied', retryable: false } }),
      ],
    });
    expect(run(inputs)).toEqual([
      { title: 'A file could not be uploaded', body: '11 files uploaded to Photos; t11.jpg: access denied' },
    ]);
  });

  it('a row sent again, or one that finished before Hoist listened, is not counted', () => {
    expect(
      run([
        { kind: 'transfers', transfers: [transfer('old', 'done', { finishedAt: started - 1 })] },
        { kind: 'totals', totals: totals(0, 0) },
      ]),
    ).toEqual([]);
    expect(
      run([
        { kind: 'transfers', transfers: [transfer('a', 'uploading')] },
        { kind: 'totals', totals: totals(1, 0) },
        { kind: 'transfers', transfers: [transfer('a', 'done')] },
        { kind: 'transfers', transfers: [transfer('a', 'done')] },
        { kind: 'totals', totals: totals(0, 0) },
      ]),
    ).toEqual([{ title: 'Upload complete', body: '1 file uploaded.' }]);
  });

  it('says when the session needs signing in again, and when a folder becomes unavailable, once each', () => {
    const session = { brokerUrl: 'http://127.0.0.1:1', localMode: false, keychain: 'os' } as const;
    const notices = run([
      { kind: 'session', session: { ...session, state: 'signed-in' } },
      { kind: 'folders', folders: [photos] },
      { kind: 'session', session: { ...session, state: 'needs-sign-in' } },
      { kind: 'session', session: { ...session, state: 'needs-sign-in' } },
      { kind: 'folders', folders: [{ ...photos, state: 'unavailable', message: 'the folder is gone' }] },
      { kind: 'folders', folders: [{ ...photos, state: 'unavailable', message: 'the folder is gone' }] },
    ]);
    expect(notices).toEqual([
      { title: 'Sign in to Hoist again', body: 'Your sign-in has ended. Uploads wait until you sign in again.' },
      { title: '“Photos” is unavailable', body: 'the folder is gone' },
    ]);
  });

  it('with the setting off, nothing is shown', () => {
    expect(run([{ kind: 'settings', settings: settings(false) }, ...batchOf12()])).toEqual([]);
    expect(run(batchOf12(), false)).toEqual([]);
    // Turned back on, the next batch is said again.
    expect(
      run([
        { kind: 'settings', settings: settings(false) },
        { kind: 'settings', settings: settings(true) },
        ...batchOf12(),
      ]),
    ).toHaveLength(1);
  });
});
