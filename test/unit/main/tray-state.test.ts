// What the tray shows and when Quit asks, from the engine's totals, session and folders alone
// (electron/main/tray-state.ts; tray.ts only draws it).
import { describe, expect, it } from 'vitest';
import type { Folder, Session, Totals } from '../../../electron/common/contract.js';
import {
  attentionReasons,
  mustConfirmQuit,
  quitQuestion,
  trayView,
  uploadPercent,
} from '../../../electron/main/tray-state.js';

const idle: Totals = {
  active: 0,
  queued: 0,
  failed: 0,
  done: 4,
  all: 4,
  bytesDone: 0,
  bytesTotal: 0,
  rate: 0,
  pausedAll: false,
};
const signedIn: Session = { state: 'signed-in', brokerUrl: 'https://b.example', localMode: false, keychain: 'os' };
const uploading: Totals = { ...idle, active: 2, queued: 1, bytesDone: 450, bytesTotal: 1000, rate: 10 };
const folder = (label: string, state: Folder['state']): Folder => ({
  id: label,
  path: `/home/ada/${label}`,
  label,
  state,
  filesSeen: 0,
});

describe('the tray state', () => {
  it('is idle and up to date with nothing to do', () => {
    expect(trayView({ totals: idle, session: signedIn, folders: [] })).toEqual({
      state: 'idle',
      status: 'Up to date',
      tooltip: 'Hoist — Up to date',
      offer: 'pause-all',
    });
  });

  it('is uploading with the files and the percentage in the tooltip', () => {
    const view = trayView({ totals: uploading, session: signedIn });
    expect(view.state).toBe('uploading');
    expect(view.tooltip).toBe('Hoist — Uploading 3 files, 45%');
    expect(trayView({ totals: { ...uploading, active: 1, queued: 0 }, session: signedIn }).status).toBe(
      'Uploading 1 file, 45%',
    );
  });

  it('never says 100% before the last byte is sent', () => {
    expect(uploadPercent({ ...uploading, bytesDone: 999, bytesTotal: 1000 })).toBe(99);
    expect(uploadPercent({ ...uploading, bytesDone: 0, bytesTotal: 0 })).toBe(0);
  });

  it('is paused when everything is paused, and offers Resume all', () => {
    const view = trayView({ totals: { ...idle, queued: 0, pausedAll: true, all: 9 }, session: signedIn });
    expect(view).toMatchObject({ state: 'paused', status: 'Paused', offer: 'resume-all' });
  });

  it.each([
    ['a failed transfer', { totals: { ...idle, failed: 2 }, session: signedIn }, '2 uploads failed'],
    [
      'a session that needs sign-in',
      { totals: uploading, session: { ...signedIn, state: 'needs-sign-in' as const } },
      'Sign in again to continue uploading',
    ],
    ['signed out', { totals: idle, session: { ...signedIn, state: 'signed-out' as const } }, 'Signed out'],
    [
      'an unavailable folder',
      { totals: idle, session: signedIn, folders: [folder('Photos', 'unavailable'), folder('Docs', 'watching')] },
      'Folder unavailable: Photos',
    ],
    ['a full data disk', { totals: { ...idle, diskFull: '/home/ada/.config/Hoist' }, session: signedIn }, 'The disk'],
  ])('needs attention with %s', (_, input, status) => {
    const view = trayView(input);
    expect(view.state).toBe('attention');
    expect(view.status).toContain(status);
  });

  it('keeps the progress in the tooltip when attention is needed while uploading', () => {
    const view = trayView({ totals: { ...uploading, failed: 1 }, session: signedIn });
    expect(view.tooltip).toBe('Hoist — 1 upload failed — Uploading 3 files, 45%');
  });

  it('lists every reason, most urgent first, and counts folders beyond one', () => {
    expect(
      attentionReasons({
        totals: { ...idle, failed: 1 },
        session: { ...signedIn, state: 'needs-sign-in' },
        folders: [folder('A', 'unavailable'), folder('B', 'error')],
      }),
    ).toEqual(['Sign in again to continue uploading', '2 folders unavailable', '1 upload failed']);
  });

  it('offers Restart to update when an update waits, and says when it waits for uploads', () => {
    const ready = trayView({
      totals: idle,
      session: signedIn,
      updateReady: { version: '1.4.0', restartWhenIdle: false },
    });
    expect(ready.update).toEqual({ label: 'Restart to update to 1.4.0', enabled: true });
    expect(ready.status).toBe('Version 1.4.0 is ready to install');
    const waiting = trayView({
      totals: uploading,
      session: signedIn,
      updateReady: { version: '1.4.0', restartWhenIdle: true },
    });
    expect(waiting.update).toEqual({ label: 'Restarts to update to 1.4.0 when uploads finish', enabled: false });
    expect(trayView({ totals: idle, session: signedIn }).update).toBeUndefined();
  });
});

describe('whether Quit asks', () => {
  it('asks while transfers upload or wait to, and says how many', () => {
    expect(mustConfirmQuit(uploading)).toBe(true);
    expect(mustConfirmQuit({ ...idle, queued: 1 })).toBe(true);
    expect(quitQuestion(uploading)).toEqual({
      message: '3 uploads are not finished. Quit Hoist anyway?',
      detail: 'Nothing is lost: they continue where they stopped the next time Hoist starts.',
    });
    expect(quitQuestion({ ...idle, active: 1 })?.message).toBe('1 upload is not finished. Quit Hoist anyway?');
  });

  it('does not ask when idle, when only failed or finished ones are left, when all is paused, or before it knows', () => {
    expect(mustConfirmQuit(idle)).toBe(false);
    expect(mustConfirmQuit({ ...idle, failed: 3 })).toBe(false);
    expect(mustConfirmQuit({ ...idle, queued: 2, pausedAll: true })).toBe(false);
    expect(mustConfirmQuit(undefined)).toBe(false);
    expect(quitQuestion(idle)).toBeUndefined();
  });

  it('asks while a part is still on the wire after Pause all', () => {
    expect(mustConfirmQuit({ ...idle, active: 1, pausedAll: true })).toBe(true);
  });
});
