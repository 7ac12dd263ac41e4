// A transfer queue on a real state DB in a fresh temporary folder for each test, on a manual clock, with
// every event it emits recorded: the set-up the queue's unit tests share.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import type { Settings } from '../../electron/common/contract.js';
import { openStateDb, type StateDb } from '../../electron/engine/state/db.js';
import { createTransferQueue, type TransferQueue } from '../../electron/engine/transfers/queue.js';
import { createFakeClock, type FakeClock } from './fake-clock.js';

export interface QueueRig {
  /** This test's folder (the state DB is state.db inside it). */
  dir: string;
  db: StateDb;
  events: Array<{ event: string; payload: unknown }>;
  clock: FakeClock;
  /** A queue on this test's DB (call again to "restart" on the same DB). */
  open(): TransferQueue;
}

export function useQueueRig(prefix: string, settings: () => Settings): QueueRig {
  const rig = {
    open: () =>
      createTransferQueue({
        db: rig.db,
        settings,
        emit: (event, payload) => rig.events.push({ event, payload }),
        clock: rig.clock,
      }),
  } as QueueRig;
  beforeEach(() => {
    rig.dir = mkdtempSync(join(tmpdir(), prefix));
    rig.db = openStateDb(join(rig.dir, 'state.db'));
    rig.events = [];
    rig.clock = createFakeClock();
  });
  afterEach(() => {
    rig.db.close();
    rmSync(rig.dir, { recursive: true, force: true });
  });
  return rig;
}
