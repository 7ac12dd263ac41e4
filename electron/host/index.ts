// electron/host: starts the engine for one process — the desktop app, the headless daemon or the
// command line — the same way everywhere: take the data folder's lock, open the keychain, use the
// given broker or start the embedded local stack (with its local account), and serve the control
// socket that `hoist status|pause|resume|cancel` talk to. Plain Node; may depend on the engine, the
// RPC layer (not rpc/ipc) and electron/embedded; never on Electron or the renderer.
import path from 'node:path';
import type { Settings } from '../common/contract.js';
import { MemorySecretStore, openSecretStore, type OpenedSecretStore } from '../engine/auth/secret-store.js';
import { createEngine, type Engine, type EngineOptions } from '../engine/index.js';
import { acquireInstanceLock } from './instance-lock.js';
import { createLogger, teeLogger, type Logger } from '../engine/platform/log.js';
import { logsDirOf, openRotatingLogFile, type RotatingLogFile } from '../engine/platform/log-file.js';
import { createRpcServer } from '../rpc/server.js';
import { serveControlSocket } from '../rpc/socket/server.js';
import type { EmbeddedStack } from '../embedded/local-stack.js';
import { defaultDataDir, prepareDataDir } from './data-dir.js';
import { resolveBroker } from './broker-choice.js';
import type { LoadedDeployment } from '../engine/deployment/file.js';
import { packageVersion } from './version.js';
import { diagnosticsZipPath } from '../engine/diagnostics/bundle.js';

// Hoist supports Node 20.19+ on purpose (Electron 45 brings 22): the SDK's end-of-support notice is
// not something a user can act on.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export interface HostOptions {
  /** State folder (default: the app data folder). */
  data?: string;
  /** Identity broker URL (default: the embedded local stack). */
  broker?: string;
  /** A deployment file baked into the installer (next to the app's resources); the system one wins. */
  bundledDeploymentFile?: string;
  /** The desktop app's native confirmation before leaving a session for another broker. */
  confirmBrokerChange?: EngineOptions['confirmBrokerChange'];
  /** Sign in with HOIST_USERNAME / HOIST_PASSWORD for this run only: kept in memory, never written. */
  signInFromEnv?: boolean;
  /** Settings for this run only (`--bwlimit`, `--transfers`): never written to the settings file. */
  runSettings?: Partial<Settings>;
  log?: Logger;
  /**
   * Also write the log to `<data folder>/logs/` (rotated; docs/ARCHITECTURE.md, Logs and diagnostics): the
   * desktop app, the headless daemon and the command line's long-running commands. Default true.
   */
  logToFile?: boolean;
  /** Which program runs the engine, written at the top of each run's log ("desktop", "headless", "hoist upload"). */
  kind?: string;
  /** The app's version (default: package.json's). */
  appVersion?: string;
  /** The OS's proxy for a URL in PAC form (the desktop app: Electron's session.resolveProxy). */
  systemProxy?: (url: string) => Promise<string>;
  /** Opens an address in the system browser, for sign-in with the organisation. */
  openUrl?: (url: string) => Promise<void>;
}

export interface Host {
  dataDir: string;
  engine: Engine;
  log: Logger;
  /** The deployment file in force, if the company pinned one. */
  deployment?: LoadedDeployment;
  /** Present when running on the embedded local stack. */
  embedded?: EmbeddedStack;
  /** `<data folder>/logs/` ("Open logs folder"). */
  logsDir: string;
  /** A diagnostics zip the engine wrote, from its name alone; undefined for any other name. */
  diagnosticsFile(name: string): string | undefined;
  close(): Promise<void>;
}

export function resolveDataDir(data: string | undefined): string {
  // path.resolve('') is the current folder: an empty setting must not quietly mean "here".
  if (data === '') throw new Error('The data folder is empty: name a folder, or leave it out for the default one.');
  return path.resolve(data ?? defaultDataDir());
}

export async function startHost(options: HostOptions): Promise<Host> {
  // The deployment file and the trust rules first: a broken file or an untrusted broker stops start-up
  // before the data folder is touched or anything is contacted.
  const broker = resolveBroker({
    broker: options.broker,
    ...(options.bundledDeploymentFile ? { bundledDeploymentFile: options.bundledDeploymentFile } : {}),
  });
  const dataDir = resolveDataDir(options.data);
  prepareDataDir(dataDir);
  const lock = acquireInstanceLock(dataDir);
  // The log file is written only while holding the lock: one writer per data folder.
  let logFile: RotatingLogFile | undefined;
  const stderrLog = options.log ?? createLogger();
  if (options.logToFile ?? true) {
    try {
      logFile = openRotatingLogFile(logsDirOf(dataDir), {
        onError: (error) => stderrLog.warn('the log file cannot be written', { error: String(error) }),
      });
    } catch (error) {
      stderrLog.warn('the log file cannot be opened', { folder: logsDirOf(dataDir), error: String(error) });
    }
  }
  const log = logFile ? teeLogger(stderrLog, createLogger({ sink: logFile.write, level: 'info' })) : stderrLog;
  const appVersion = options.appVersion ?? packageVersion();
  if (logFile) log.info('Hoist started', { kind: options.kind ?? 'hoist', version: appVersion, pid: process.pid });
  let stack: EmbeddedStack | undefined;
  let engine: Engine | undefined;
  try {
    const envUser = process.env.HOIST_USERNAME;
    const envPassword = process.env.HOIST_PASSWORD;
    const envSuppliesPassword = Boolean(envUser && envPassword);
    const useEnv = Boolean(options.signInFromEnv && envSuppliesPassword);
    const opened: OpenedSecretStore = useEnv ? { store: new MemorySecretStore() } : await openSecretStore();
    // With the password in the environment, the next run signs in from there too: a "no keychain,
    // sign in again next time" notice is noise.
    const secrets: OpenedSecretStore = envSuppliesPassword ? { store: opened.store } : opened;
    let brokerUrl = broker.brokerUrl;
    if (!brokerUrl) {
      // Loaded only when needed: the local cloud and broker are a large part of start-up otherwise.
      const { startEmbeddedStack } = await import('../embedded/local-stack.js');
      stack = await startEmbeddedStack(dataDir, secrets.store, log);
      brokerUrl = stack.brokerUrl;
    }
    engine = await createEngine({
      dataDir,
      brokerUrl,
      localMode: stack !== undefined,
      explicitBroker: options.broker !== undefined,
      ...(broker.deployment ? { deployment: broker.deployment } : {}),
      ...(options.confirmBrokerChange ? { confirmBrokerChange: options.confirmBrokerChange } : {}),
      secrets,
      ...(useEnv ? { secretsFromEnv: true } : {}),
      log,
      appVersion,
      ...(options.systemProxy ? { systemProxy: options.systemProxy } : {}),
      ...(options.openUrl ? { openUrl: options.openUrl } : {}),
      ...(options.runSettings ? { runSettings: options.runSettings } : {}),
    });
    if (useEnv) await engine['session.signIn']({ username: envUser!, password: envPassword! });
    else if (stack && (await engine['session.get']({})).state !== 'signed-in')
      await engine['session.signIn'](stack.localAccount);
    const rpc = createRpcServer(engine, { log });
    const control = await serveControlSocket(dataDir, rpc);
    const running = engine;
    return {
      dataDir,
      engine: running,
      log,
      ...(broker.deployment ? { deployment: broker.deployment } : {}),
      logsDir: logsDirOf(dataDir),
      diagnosticsFile: (name) => diagnosticsZipPath(dataDir, name),
      ...(stack ? { embedded: stack } : {}),
      async close() {
        // Clients already connected get their answers first: the socket closes once they hang up.
        await control.close();
        rpc.close();
        await running.stop();
        await stack?.close();
        logFile?.close();
        lock.release();
      },
    };
  } catch (error) {
    await engine?.stop();
    await stack?.close();
    logFile?.close();
    lock.release();
    throw error;
  }
}
