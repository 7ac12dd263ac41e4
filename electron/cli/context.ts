// What every command needs: the data folder, the broker (the embedded local stack when none is
// given), and an engine that holds the folder's lock. Credentials come from the keychain session,
// or from HOIST_USERNAME / HOIST_PASSWORD for this run only (kept in memory, never written).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { MemorySecretStore, openSecretStore, type OpenedSecretStore } from '../engine/auth/secret-store.js';
import { defaultDataDir } from '../engine/data-dir.js';
import { createEngine, type Engine } from '../engine/index.js';
import { acquireInstanceLock, type InstanceLock } from '../engine/instance-lock.js';
import { createLogger, type Logger } from '../engine/log.js';
import { createDispatcher } from '../rpc/dispatch.js';
import { serveControlSocket } from '../rpc/socket/server.js';
import { controlSocketPath } from '../rpc/socket/path.js';
import { startEmbeddedStack, type EmbeddedStack } from '../embedded/local-stack.js';

export interface GlobalOptions {
  data?: string;
  broker?: string;
  verbose?: boolean;
}

export interface Context {
  dataDir: string;
  engine: Engine;
  log: Logger;
  close(): Promise<void>;
}

export function resolveDataDir(options: GlobalOptions): string {
  return path.resolve(options.data ?? defaultDataDir());
}

export async function openContext(options: GlobalOptions, { signInFromEnv = true } = {}): Promise<Context> {
  const dataDir = resolveDataDir(options);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const lock: InstanceLock = acquireInstanceLock(dataDir);
  const log = createLogger({ level: options.verbose ? 'debug' : 'warn', format: 'text' });
  let stack: EmbeddedStack | undefined;
  try {
    const envUser = process.env.HOIST_USERNAME;
    const envPassword = process.env.HOIST_PASSWORD;
    const useEnv = signInFromEnv && Boolean(envUser && envPassword);
    const secrets: OpenedSecretStore = useEnv ? { store: new MemorySecretStore() } : await openSecretStore();
    let brokerUrl = options.broker;
    if (!brokerUrl) {
      stack = await startEmbeddedStack(dataDir, secrets.store, log);
      brokerUrl = stack.brokerUrl;
    }
    const engine = await createEngine({ dataDir, brokerUrl, localMode: stack !== undefined, secrets, log });
    if (useEnv) await engine['session.signIn']({ username: envUser!, password: envPassword! });
    else if (stack && (await engine['session.get']({})).state !== 'signed-in') await engine['session.signIn'](stack.localAccount);
    // Lets `hoist status|pause|resume|cancel` steer this process while it runs.
    const control = await serveControlSocket(controlSocketPath(dataDir), createDispatcher(engine), engine.events);
    return {
      dataDir,
      engine,
      log,
      async close() {
        await control.close();
        await engine.close();
        await stack?.close();
        lock.release();
      },
    };
  } catch (error) {
    await stack?.close();
    lock.release();
    throw error;
  }
}
