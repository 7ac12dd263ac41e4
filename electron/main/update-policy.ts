// When Hoist looks for an update and when it may restart to install one (docs/ARCHITECTURE.md, Contracts: updates).
// Pure decisions on the engine's totals and a clock's time, so they are unit-tested without Electron:
// check at start and every 24 hours (an hour after a failed check), stop once an update is downloaded,
// and never restart while uploads are running — a click on "Restart to update" then waits for them.
import type { Totals } from '../common/contract.js';
import { uploadsRunning } from './tray-state.js';

export const checkEveryMs = 24 * 60 * 60 * 1000;
/** A failed check (offline at start, the feed down) is tried again sooner than the daily one. */
export const retryFailedCheckMs = 60 * 60 * 1000;

export interface UpdatePolicyState {
  /** A check is under way. */
  checking: boolean;
  /** When the last check ended, and whether it failed. */
  lastCheck?: { at: number; failed: boolean };
  /** The version downloaded and verified, waiting for a restart. */
  ready?: string;
  /** The person asked to restart while uploads ran: restart once they finish. */
  restartWhenIdle: boolean;
}

export const initialUpdateState: UpdatePolicyState = { checking: false, restartWhenIdle: false };

/**
 * How long until the next check: 0 at start (never checked), undefined when none is due (one is under
 * way, or an update is already waiting: the restart installs it).
 */
export function nextCheckInMs(state: UpdatePolicyState, now: number): number | undefined {
  if (state.checking || state.ready) return undefined;
  if (!state.lastCheck) return 0;
  const interval = state.lastCheck.failed ? retryFailedCheckMs : checkEveryMs;
  return Math.max(0, state.lastCheck.at + interval - now);
}

/** No upload is running or about to: unknown totals (still starting) count as busy. */
export function idleForRestart(totals: Totals | undefined): boolean {
  return totals !== undefined && !uploadsRunning(totals);
}

export type InstallDecision = 'nothing-to-install' | 'restart-now' | 'after-uploads';

/** What a click on "Restart to update" does. */
export function onRestartClicked(state: UpdatePolicyState, totals: Totals | undefined): InstallDecision {
  if (!state.ready) return 'nothing-to-install';
  return idleForRestart(totals) ? 'restart-now' : 'after-uploads';
}

/** Whether the restart the person asked for may happen now (uploads have finished). */
export function restartDueNow(state: UpdatePolicyState, totals: Totals | undefined): boolean {
  return Boolean(state.ready) && state.restartWhenIdle && idleForRestart(totals);
}

/** Whether a quit installs the waiting update: only when no upload is running. */
export function installOnQuit(state: UpdatePolicyState, totals: Totals | undefined): boolean {
  return Boolean(state.ready) && idleForRestart(totals);
}

export type UpdateFeed = { kind: 'deployment'; url: string } | { kind: 'build' } | { kind: 'none'; reason: string };

/**
 * Where updates come from: the deployment file's `updateUrl` (the company's generic HTTPS feed), else
 * the feed the build was published with (`app-update.yml` beside the resources), else nowhere. Only a
 * packaged app updates: a development run has nothing to replace.
 */
export function updateFeed(options: {
  packaged: boolean;
  deploymentUpdateUrl?: string | undefined;
  buildFeedExists: boolean;
}): UpdateFeed {
  if (!options.packaged) return { kind: 'none', reason: 'not a packaged app' };
  if (options.deploymentUpdateUrl) return { kind: 'deployment', url: options.deploymentUpdateUrl };
  if (options.buildFeedExists) return { kind: 'build' };
  return { kind: 'none', reason: 'no update feed is configured (deployment file updateUrl, or a publish setting)' };
}
