// A real engine (createEngine) on a temp data folder, with its log captured so tests can search it
// for secrets, and helpers to wait for transfer states.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Transfer } from '../../electron/common/contract.js';
import { MemorySecretStore, type OpenedSecretStore } from '../../electron/engine/auth/secret-store.js';
import { createEngine, type Engine, type EngineOptions } from '../../electron/engine/index.js';
import { createLogger } from '../../electron/engine/platform/log.js';

export interface TestEngine {
  engine: Engine;
  dataDir: string;
  logLines: string[];
  secrets: OpenedSecretStore;
  /** Opens a fresh engine on the same data folder and secret store (an app restart). */
  restart(): Promise<Engine>;
  close(): Promise<void>;
}

export async function startTestEngine(
  options: Partial<EngineOptions> & { brokerUrl: string; dataDir?: string },
): Promise<TestEngine> {
  const dataDir = options.dataDir ?? (await mkdtemp(path.join(os.tmpdir(), 'hoist-engine-')));
  const logLines: string[] = [];
  const secrets = options.secrets ?? { store: new MemorySecretStore() };
  const open = () =>
    createEngine({
      ...options,
      dataDir,
      secrets,
      log: createLogger({ level: 'debug', sink: (line) => logLines.push(line) }),
    });
  let engine = await open();
  const handle: TestEngine = {
    engine,
    dataDir,
    logLines,
    secrets,
    async restart() {
      await engine.stop();
      engine = await open();
      handle.engine = engine;
      return engine;
    },
    async close() {
      await engine.stop();
      if (!options.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
  return handle;
}

/** Resolves with the transfer once `predicate` holds for it (driven by pushed events, not polling). */
export function waitForTransfer(
  engine: Engine,
  id: string,
  predicate: (t: Transfer) => boolean,
  timeoutMs = 60_000,
): Promise<Transfer> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      void engine['transfers.list']({ filter: 'all' }).then((all) =>
        reject(
          new Error(
            `transfer ${id} did not reach the expected state; last: ${JSON.stringify(all.find((t) => t.id === id))}`,
          ),
        ),
      );
    }, timeoutMs);
    const check = (transfers: Transfer[]) => {
      const t = transfers.find((x) => x.id === id);
      if (t && predicate(t)) {
        clearTimeout(timer);
        stop();
        resolve(t);
      }
    };
    const reread = () => void engine['transfers.list']({ filter: 'all' }).then(check);
    // Many changes at once come as one invalidation (the contract): read the list again, as windows do.
    const offs = [
      engine.events.on('transfers.changed', ({ transfers }) => check(transfers)),
      engine.events.on('transfers.invalidated', reread),
    ];
    const stop = () => offs.forEach((off) => off());
    reread();
  });
}

export function waitForSession(engine: Engine, state: string, timeoutMs = 30_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`session did not become ${state}`));
    }, timeoutMs);
    const stop = engine.events.on('session', (view) => {
      if (view.state === state) {
        clearTimeout(timer);
        stop();
        resolve();
      }
    });
    void engine['session.get']({}).then((view) => {
      if (view.state === state) {
        clearTimeout(timer);
        stop();
        resolve();
      }
    });
  });
}
