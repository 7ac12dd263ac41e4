// Starts the real engine (createEngine) behind the headless daemon for browser tests, with its state in
// a temporary folder and its session in memory (tests never touch the user's keychain).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createEngine, type Engine } from '../../../electron/engine/index.js';
import { MemorySecretStore } from '../../../electron/engine/auth/secret-store.js';
import { silentLogger } from '../../../electron/engine/platform/log.js';
import type { LoadedDeployment } from '../../../electron/engine/deployment/file.js';
import { startDaemon, type Daemon } from '../../../electron/daemon/daemon.js';
import { diagnosticsZipPath } from '../../../electron/engine/diagnostics/bundle.js';
import { tapEvents, type EventTap } from '../../support/event-tap.js';
import type { EngineApi, EngineEventSource } from '../../../electron/common/contract.js';

export interface Headless {
  engine: Engine;
  daemon: Daemon;
  /** The engine's events on their way to the window (mute one, push one). */
  tap: EventTap<Engine>;
  dataDir: string;
  stop(): Promise<void>;
}

export async function startHeadless(options: {
  brokerUrl: string;
  localMode?: boolean;
  deployment?: LoadedDeployment;
  /** What the daemon serves instead of the tapped engine (the desktop app's update commands, say). */
  serve?: (engine: Engine) => EngineApi & { events: EngineEventSource };
}): Promise<Headless> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'hoist-e2e-'));
  const engine = await createEngine({
    dataDir,
    brokerUrl: options.brokerUrl,
    localMode: options.localMode ?? false,
    ...(options.deployment ? { deployment: options.deployment } : {}),
    secrets: { store: new MemorySecretStore(), notice: 'No keychain in tests: the session is kept in memory.' },
    log: silentLogger,
  });
  const tap = tapEvents(engine);
  const daemon = await startDaemon({
    engine: options.serve ? options.serve(tap.engine) : tap.engine,
    port: 0,
    host: '127.0.0.1',
    rendererDir: path.resolve('renderer/dist'),
    stagingDir: path.join(dataDir, 'staging'),
    diagnosticsFile: (name) => diagnosticsZipPath(dataDir, name),
  });
  return {
    engine,
    daemon,
    tap,
    dataDir,
    async stop() {
      await daemon.close();
      await engine.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
