// When Hoist looks for updates and when it may restart to install one (electron/main/update-policy.ts):
// the decisions alone, on plain values.
import { describe, expect, it } from 'vitest';
import type { Totals } from '../../../electron/common/contract.js';
import {
  checkEveryMs,
  idleForRestart,
  initialUpdateState,
  installOnQuit,
  nextCheckInMs,
  onRestartClicked,
  restartDueNow,
  retryFailedCheckMs,
  updateFeed,
} from '../../../electron/main/update-policy.js';

const idle: Totals = {
  active: 0,
  queued: 0,
  failed: 1,
  done: 3,
  all: 4,
  bytesDone: 0,
  bytesTotal: 0,
  rate: 0,
  pausedAll: false,
};
const uploading: Totals = { ...idle, active: 1, bytesDone: 5, bytesTotal: 10 };
const ready = { ...initialUpdateState, ready: '2.0.0', lastCheck: { at: 0, failed: false } };

describe('when to check', () => {
  it('checks at start, then 24 hours after each check', () => {
    expect(checkEveryMs).toBe(86_400_000);
    expect(nextCheckInMs(initialUpdateState, 5_000)).toBe(0);
    const checked = { ...initialUpdateState, lastCheck: { at: 1_000, failed: false } };
    expect(nextCheckInMs(checked, 1_000)).toBe(checkEveryMs);
    expect(nextCheckInMs(checked, 1_000 + checkEveryMs - 1)).toBe(1);
    // A computer that slept past the time checks at once.
    expect(nextCheckInMs(checked, 1_000 + 3 * checkEveryMs)).toBe(0);
  });

  it('tries a failed check again after an hour', () => {
    expect(nextCheckInMs({ ...initialUpdateState, lastCheck: { at: 0, failed: true } }, 0)).toBe(retryFailedCheckMs);
  });

  it('does not check while a check runs or once an update is waiting', () => {
    expect(nextCheckInMs({ ...initialUpdateState, checking: true }, 0)).toBeUndefined();
    expect(nextCheckInMs(ready, checkEveryMs * 5)).toBeUndefined();
  });
});

describe('when to restart', () => {
  it('never counts running or queued uploads, or unknown totals, as idle', () => {
    expect(idleForRestart(idle)).toBe(true);
    expect(idleForRestart(uploading)).toBe(false);
    expect(idleForRestart({ ...idle, queued: 2 })).toBe(false);
    expect(idleForRestart(undefined)).toBe(false);
    // Everything paused and nothing on the wire: a restart loses nothing.
    expect(idleForRestart({ ...idle, queued: 0, pausedAll: true })).toBe(true);
    expect(idleForRestart({ ...idle, active: 1, pausedAll: true })).toBe(false);
  });

  it('restarts on the click when idle, waits for the uploads otherwise, and has nothing to do without an update', () => {
    expect(onRestartClicked(ready, idle)).toBe('restart-now');
    expect(onRestartClicked(ready, uploading)).toBe('after-uploads');
    expect(onRestartClicked(initialUpdateState, idle)).toBe('nothing-to-install');
  });

  it('restarts by itself only after the person asked and once the uploads are done', () => {
    expect(restartDueNow(ready, idle)).toBe(false);
    expect(restartDueNow({ ...ready, restartWhenIdle: true }, uploading)).toBe(false);
    expect(restartDueNow({ ...ready, restartWhenIdle: true }, idle)).toBe(true);
  });

  it('installs on quit only when an update waits and no upload was running', () => {
    expect(installOnQuit(ready, idle)).toBe(true);
    expect(installOnQuit(ready, uploading)).toBe(false);
    expect(installOnQuit(initialUpdateState, idle)).toBe(false);
  });
});

describe('where updates come from', () => {
  it('is the deployment file’s feed first, then the build’s, else none; never in a development run', () => {
    const url = 'https://updates.acme.example/hoist/';
    expect(updateFeed({ packaged: true, deploymentUpdateUrl: url, buildFeedExists: true })).toEqual({
      kind: 'deployment',
      url,
    });
    expect(updateFeed({ packaged: true, buildFeedExists: true })).toEqual({ kind: 'build' });
    expect(updateFeed({ packaged: true, buildFeedExists: false }).kind).toBe('none');
    expect(updateFeed({ packaged: false, deploymentUpdateUrl: url, buildFeedExists: true })).toEqual({
      kind: 'none',
      reason: 'not a packaged app',
    });
  });
});
