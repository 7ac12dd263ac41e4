// The update service on the fake clock (electron/main/update-service.ts): checks at start and daily,
// tells windows when an update is ready, and restarts only when no upload runs. The updater is a fake
// because electron-updater installs by quitting Electron, which cannot run here (its feed and checksum
// handling run for real in test/integration/desktop/update-feed.test.ts); the engine is a stand-in that
// only pushes totals, the one thing the service reads of it.
import { describe, expect, it } from 'vitest';
import type {
  EngineApi,
  EngineEventSource,
  EventName,
  EventPayload,
  Totals,
  UpdateReady,
} from '../../../electron/common/contract.js';
import { silentLogger } from '../../../electron/engine/platform/log.js';
import { checkEveryMs, retryFailedCheckMs } from '../../../electron/main/update-policy.js';
import { createUpdateService, withUpdates, type Updater } from '../../../electron/main/update-service.js';
import { createFakeClock } from '../../support/fake-clock.js';

const idle: Totals = {
  active: 0,
  queued: 0,
  failed: 0,
  done: 0,
  all: 0,
  bytesDone: 0,
  bytesTotal: 0,
  rate: 0,
  pausedAll: false,
};
const uploading: Totals = { ...idle, active: 1, all: 1, bytesDone: 1, bytesTotal: 10 };

function rig(options: { totals?: Totals; failChecks?: number } = {}) {
  const clock = createFakeClock();
  const checks: number[] = [];
  let failures = options.failChecks ?? 0;
  const downloaded = new Set<(version: string) => void>();
  const calls: string[] = [];
  const updater: Updater = {
    async check() {
      checks.push(clock.now());
      if (failures-- > 0) throw new Error('the feed cannot be reached');
    },
    onDownloaded(listener) {
      downloaded.add(listener);
      return () => void downloaded.delete(listener);
    },
    restartAndInstall: () => void calls.push('restart'),
    setInstallOnQuit: (on) => void calls.push(`install-on-quit ${on}`),
  };
  let totals = options.totals ?? idle;
  const totalsListeners = new Set<(t: Totals) => void>();
  const engine = {
    'transfers.totals': async () => totals,
    'update.get': async () => null,
    'update.install': async () => {
      throw new Error('not here');
    },
    events: {
      on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void) {
        if (event !== 'totals') return () => {};
        const l = listener as (t: Totals) => void;
        totalsListeners.add(l);
        return () => void totalsListeners.delete(l);
      },
    } satisfies EngineEventSource,
  } as unknown as EngineApi & { events: EngineEventSource };
  const service = createUpdateService({ updater, engine, clock, log: silentLogger });
  const heard: UpdateReady[] = [];
  service.onReady((r) => heard.push(r));
  return {
    clock,
    checks,
    calls,
    service,
    heard,
    engine,
    download: (version: string) => downloaded.forEach((l) => l(version)),
    setTotals(next: Totals) {
      totals = next;
      totalsListeners.forEach((l) => l(next));
    },
  };
}

describe('checking', () => {
  it('checks at start and every 24 hours, on the clock', async () => {
    const r = rig();
    const start = r.clock.now();
    r.service.start();
    await r.clock.advance(0);
    expect(r.checks).toEqual([start]);
    await r.clock.advance(checkEveryMs - 1);
    expect(r.checks).toHaveLength(1);
    await r.clock.advance(1);
    expect(r.checks).toEqual([start, start + checkEveryMs]);
    await r.clock.advance(2 * checkEveryMs);
    expect(r.checks).toHaveLength(4);
    r.service.stop();
    await r.clock.advance(5 * checkEveryMs);
    expect(r.checks).toHaveLength(4);
  });

  it('tries again an hour after a failed check, then daily', async () => {
    const r = rig({ failChecks: 1 });
    const start = r.clock.now();
    r.service.start();
    await r.clock.advance(retryFailedCheckMs);
    expect(r.checks).toEqual([start, start + retryFailedCheckMs]);
    await r.clock.advance(checkEveryMs);
    expect(r.checks).toEqual([start, start + retryFailedCheckMs, start + retryFailedCheckMs + checkEveryMs]);
  });

  it('stops checking once an update is downloaded, and says so to listeners', async () => {
    const r = rig();
    r.service.start();
    await r.clock.advance(0);
    r.download('2.0.0');
    expect(r.heard).toEqual([{ version: '2.0.0', restartWhenIdle: false }]);
    expect(r.service.ready()).toEqual({ version: '2.0.0', restartWhenIdle: false });
    await r.clock.advance(3 * checkEveryMs);
    expect(r.checks).toHaveLength(1);
  });
});

describe('restarting', () => {
  it('restarts at once on the click when nothing uploads', async () => {
    const r = rig();
    r.service.start();
    await r.clock.advance(0);
    r.download('2.0.0');
    expect(r.service.restart()).toEqual({ restarting: true });
    expect(r.calls).toEqual(['restart']);
  });

  it('never restarts mid-upload: the click waits for the uploads, says so, then restarts', async () => {
    const r = rig({ totals: uploading });
    r.service.start();
    await r.clock.advance(0);
    r.download('2.0.0');
    expect(r.service.restart()).toEqual({ restarting: false });
    expect(r.calls).toEqual([]);
    expect(r.heard.at(-1)).toEqual({ version: '2.0.0', restartWhenIdle: true });
    r.setTotals({ ...uploading, bytesDone: 9 });
    expect(r.calls).toEqual([]);
    r.setTotals({ ...uploading, active: 0, done: 1 });
    expect(r.calls).toEqual(['restart']);
  });

  it('does not restart by itself when nobody asked', async () => {
    const r = rig({ totals: uploading });
    r.service.start();
    await r.clock.advance(0);
    r.download('2.0.0');
    r.setTotals(idle);
    expect(r.calls).toEqual([]);
  });

  it('refuses the click when no update waits', () => {
    const r = rig();
    r.service.start();
    expect(() => r.service.restart()).toThrow('No update is waiting to be installed.');
  });

  it('installs on quit only when no upload runs', async () => {
    const r = rig({ totals: uploading });
    r.service.start();
    await r.clock.advance(0);
    r.download('2.0.0');
    r.service.beforeQuit();
    r.setTotals(idle);
    r.service.beforeQuit();
    expect(r.calls).toEqual(['install-on-quit false', 'install-on-quit true']);
  });
});

describe('served with the engine', () => {
  it('answers update.get and update.install and adds the update.ready event to the engine’s', async () => {
    const r = rig({ totals: uploading });
    const served = withUpdates(r.engine, r.service);
    const events: UpdateReady[] = [];
    served.events.on('update.ready', (e) => events.push(e));
    r.service.start();
    await r.clock.advance(0);
    expect(await served['update.get']({})).toBeNull();
    r.download('2.1.0');
    expect(await served['update.get']({})).toEqual({ version: '2.1.0', restartWhenIdle: false });
    expect(await served['update.install']({})).toEqual({ restarting: false });
    expect(events).toEqual([
      { version: '2.1.0', restartWhenIdle: false },
      { version: '2.1.0', restartWhenIdle: true },
    ]);
    // Everything else is the engine's own.
    expect(await served['transfers.totals']({})).toEqual(uploading);
  });
});
