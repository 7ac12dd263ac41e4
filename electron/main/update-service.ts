// Updates for the desktop app, run by the policy in update-policy.ts on an injected clock and updater:
// checks at start and daily, tells every window when an update is downloaded (the `update.ready` event),
// and restarts to install it only when no upload is running — at once when the person clicks "Restart to
// update" and nothing uploads, otherwise as soon as the uploads finish; a quit installs it when idle.
// Plain Node (no Electron): the updater is electron-updater behind auto-updater.ts in the app, and a
// fake in the tests. `withUpdates` serves the service's commands and event with the engine's.
import type { EngineApi, EngineEventSource, EventName, EventPayload, Totals, UpdateReady } from '../common/contract.js';
import type { Clock } from '../engine/platform/clock.js';
import type { Logger } from '../engine/platform/log.js';
import {
  initialUpdateState,
  installOnQuit,
  nextCheckInMs,
  onRestartClicked,
  restartDueNow,
  type UpdatePolicyState,
} from './update-policy.js';

/** What the service needs of an updater (electron-updater, reduced). */
export interface Updater {
  /** Looks for an update and downloads a newer one; resolves when that is done or there is none. */
  check(): Promise<void>;
  /** Called with the version once an update is downloaded and its signature and checksum verified. */
  onDownloaded(listener: (version: string) => void): () => void;
  /** Quits the app and installs the downloaded update, then starts Hoist again. */
  restartAndInstall(): void;
  /** Whether quitting installs the downloaded update. */
  setInstallOnQuit(on: boolean): void;
}

export interface UpdateService {
  start(): void;
  stop(): void;
  ready(): UpdateReady | null;
  onReady(listener: (ready: UpdateReady) => void): () => void;
  /** "Restart to update": restarts now when nothing uploads, else once the uploads finish. */
  restart(): { restarting: boolean };
  /** Called as the app quits: install the update then only if no upload was running. */
  beforeQuit(): void;
}

export function createUpdateService(options: {
  updater: Updater;
  engine: EngineApi & { events: EngineEventSource };
  clock: Clock;
  log: Logger;
}): UpdateService {
  const { updater, engine, clock, log } = options;
  let state: UpdatePolicyState = { ...initialUpdateState };
  let totals: Totals | undefined;
  let timer: unknown;
  let stopped = true;
  const listeners = new Set<(ready: UpdateReady) => void>();
  const offs: (() => void)[] = [];

  const view = (): UpdateReady | null =>
    state.ready ? { version: state.ready, restartWhenIdle: state.restartWhenIdle } : null;
  const announce = () => {
    const ready = view();
    if (ready) for (const listener of listeners) listener(ready);
  };
  const restartIfDue = () => {
    if (stopped || !restartDueNow(state, totals)) return;
    log.info('update: uploads finished, restarting to install', { version: state.ready });
    stopped = true;
    updater.restartAndInstall();
  };

  const schedule = () => {
    if (timer !== undefined) clock.clearTimeout(timer);
    timer = undefined;
    const delay = nextCheckInMs(state, clock.now());
    if (stopped || delay === undefined) return;
    timer = clock.setTimeout(() => {
      timer = undefined;
      void check();
    }, delay);
  };
  const check = async () => {
    state = { ...state, checking: true };
    let failed = false;
    try {
      await updater.check();
    } catch (error) {
      failed = true;
      log.warn('update: the check failed; trying again later', { error: String(error) });
    }
    state = { ...state, checking: false, lastCheck: { at: clock.now(), failed } };
    schedule();
  };

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      offs.push(
        updater.onDownloaded((version) => {
          state = { ...state, ready: version };
          log.info('update: downloaded and verified', { version });
          schedule(); // no more checks: the restart installs this one
          announce();
          restartIfDue();
        }),
        engine.events.on('totals', (next) => {
          totals = next;
          restartIfDue();
        }),
      );
      void engine['transfers.totals']({}).then(
        (first) => {
          totals ??= first;
          restartIfDue();
        },
        () => undefined,
      );
      schedule();
    },
    stop() {
      stopped = true;
      if (timer !== undefined) clock.clearTimeout(timer);
      timer = undefined;
      offs.splice(0).forEach((off) => off());
    },
    ready: view,
    onReady(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    restart() {
      const decision = onRestartClicked(state, totals);
      if (decision === 'nothing-to-install') throw new Error('No update is waiting to be installed.');
      if (decision === 'restart-now') {
        stopped = true;
        updater.restartAndInstall();
        return { restarting: true };
      }
      if (!state.restartWhenIdle) {
        state = { ...state, restartWhenIdle: true };
        announce();
      }
      return { restarting: false };
    },
    beforeQuit() {
      updater.setInstallOnQuit(installOnQuit(state, totals));
    },
  };
}

/**
 * The engine as the desktop app serves it: the update commands answered by the service, and its
 * `update.ready` event beside the engine's. The headless daemon and the command line serve the engine
 * alone, whose update commands say there is nothing to install.
 */
export function withUpdates<E extends EngineApi & { events: EngineEventSource }>(engine: E, updates: UpdateService): E {
  const events: EngineEventSource = {
    on<N extends EventName>(event: N, listener: (payload: EventPayload<N>) => void) {
      if (event !== 'update.ready') return engine.events.on(event, listener);
      return updates.onReady(listener as (payload: UpdateReady) => void);
    },
  };
  return Object.assign(Object.create(engine) as E, {
    events,
    'update.get': async () => updates.ready(),
    'update.install': async () => updates.restart(),
  });
}
