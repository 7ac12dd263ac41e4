// The sync engine's composition root (docs/ARCHITECTURE.md, style rule 9): plain Node, no Electron, no DOM. The
// Electron main process, the headless daemon and the command line all call createEngine and serve
// the same EngineApi. Depends on: common (contract), and its own modules below.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { EngineApi, EngineEventSource, Settings } from '../common/contract.js';
import { createBrokerClient } from './auth/broker-client.js';
import { createCognitoCredentials } from './auth/credentials.js';
import type { LoadedDeployment } from './deployment/file.js';
import { checkWatchedFolder } from './deployment/limits.js';
import { openSecretStore, type OpenedSecretStore } from './auth/secret-store.js';
import type { BrokerChange } from './auth/broker-choice.js';
import { SessionManager, type Identity } from './auth/session.js';
import { createEventBus } from './platform/event-bus.js';
import { runDiagnostics, s3ForClock } from './diagnostics/index.js';
import { withActionAdvice } from './diagnostics/plain-words.js';
import { createFolderSync } from './folders/index.js';
import { expandPaths, stagingDirOf } from './intake/expand-paths.js';
import { checkDestinationFolder } from './keys/relative-key.js';
import { createLogger, type Logger } from './platform/log.js';
import { logsDirOf } from './platform/log-file.js';
import { writeDiagnosticsZip } from './diagnostics/bundle.js';
import { settingsReport, statusReport, versionsReport } from './diagnostics/report.js';
import { openSettings } from './state/settings.js';
import { createNetwork } from './net/index.js';
import { PROXY_PASSWORD_ACCOUNT, storableNetworkSettings } from './net/network-settings.js';
import { withRunSettings } from './state/run-settings.js';
import { isStorageFull, openStateDb, StorageFullError } from './state/db.js';
import { ServiceGroup } from './platform/service.js';
import { wakeWatch } from './platform/wake.js';
import { createS3Client } from './transfers/s3-client.js';
import { AlreadyUploadedError, UnknownTransferError } from './transfers/control-errors.js';
import { PartBufferPool } from './transfers/part-buffers.js';
import { createTransferQueue, type UploadTarget } from './transfers/queue.js';
import { PutRoutes } from './transfers/s3-client.js';
import { SmallFileReader } from './transfers/small-file-reader.js';

export interface EngineOptions {
  /** State DB, settings and logs live here. */
  dataDir: string;
  /** The identity broker to sign in with. */
  brokerUrl: string;
  /** True when brokerUrl is the built-in local stack (shown as "local mode"). */
  localMode?: boolean;
  /** Settings for this run only (`--bwlimit`, `--transfers`): in force until changed, never written. */
  runSettings?: Partial<Settings>;
  /** True when brokerUrl was chosen for this run (--broker): a session kept for another broker is not used. */
  explicitBroker?: boolean;
  /** The company's pinned configuration, when there is one: its broker replaces brokerUrl. */
  deployment?: LoadedDeployment;
  /** The desktop app's native confirmation before leaving a session for another broker. */
  confirmBrokerChange?: (change: BrokerChange) => Promise<boolean>;
  /** Defaults to the OS keychain, or memory when there is none. */
  secrets?: OpenedSecretStore;
  /** The session comes from HOIST_USERNAME / HOIST_PASSWORD for this run: memory by choice, not for want of a keychain. */
  secretsFromEnv?: boolean;
  log?: Logger;
  /** The app's version, for the diagnostics zip. */
  appVersion?: string;
  /** The operating system's proxy for a URL in PAC form (the desktop app passes Electron's session.resolveProxy). */
  systemProxy?: (url: string) => Promise<string>;
  /** Opens an address in the system browser (the desktop app; never an embedded view). */
  openUrl?: (url: string) => Promise<void>;
}

export { PROXY_PASSWORD_ACCOUNT };

export interface Engine extends EngineApi {
  events: EngineEventSource;
  /** Resolves when no transfer is queued, uploading or verifying. */
  whenIdle(): Promise<void>;
  /** Scan every watched folder again now (after the computer wakes from sleep). */
  rescanFolders(): Promise<void>;
  /** Stops every service and closes the state DB; the engine cannot be used afterwards. */
  stop(): Promise<void>;
}

export async function createEngine(options: EngineOptions): Promise<Engine> {
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const log = options.log ?? createLogger();
  const secrets = options.secrets ?? (await openSecretStore());
  if (secrets.notice) log.warn(secrets.notice);
  const limits = options.deployment?.deployment.limits;
  const settings = withRunSettings(openSettings(options.dataDir, limits), options.runSettings ?? {});
  const db = openStateDb(path.join(options.dataDir, 'state.db'));
  const bus = createEventBus((error) => log.error('event listener failed', { error: String(error) }));
  // Every connection's proxy and trusted authorities (docs/ARCHITECTURE.md, The network layer). The
  // built-in local cloud runs in this process on loopback: never through a proxy.
  const network = createNetwork({
    settings: settings.get,
    proxyPassword: async () =>
      settings.get().proxyUrl ? ((await secrets.store.get(PROXY_PASSWORD_ACCOUNT)) ?? undefined) : undefined,
    ...(options.systemProxy ? { systemProxy: options.systemProxy } : {}),
    directToLoopback: options.localMode ?? false,
  });

  const session = new SessionManager({
    secrets: secrets.store,
    ...(secrets.notice ? { secretsNotice: secrets.notice } : {}),
    defaultBrokerUrl: options.brokerUrl,
    localMode: options.localMode ?? false,
    ...(options.explicitBroker ? { explicitBroker: true } : {}),
    ...(options.deployment ? { deployment: options.deployment } : {}),
    ...(options.confirmBrokerChange ? { confirmBrokerChange: options.confirmBrokerChange } : {}),
    log,
    brokerClient: (url) => createBrokerClient(url, { fetch: network.fetch }),
  });
  // Every long-lived part is started and stopped by this group (docs/ARCHITECTURE.md, style rule 9). The
  // resources the uploads share come first: pooled part buffers, the small-file reader's thread, the
  // signed PUT routes; they are stopped after the services that use them.
  const services = new ServiceGroup();
  const smallFiles = services.hold(new SmallFileReader());
  const partBuffers = services.hold(new PartBufferPool());
  const putRoutes = services.hold(new PutRoutes());
  const queue = createTransferQueue({
    db,
    settings: settings.get,
    emit: (event, payload) => bus.emit(event, payload as never),
    log,
    partBuffers,
    smallFiles,
    putRoutes,
  });

  const targetFor = (identity: Identity): UploadTarget => {
    const credentials = createCognitoCredentials(identity, session, log, Date.now, network);
    return {
      // One keep-alive pool sized for the largest concurrency the settings allow.
      s3: createS3Client({
        region: identity.region,
        ...(identity.endpoints ? { endpoint: identity.endpoints.s3 } : {}),
        credentials: credentials.provider,
        log,
        network,
      }),
      bucket: identity.bucket,
      // Built from the identity id alone, whatever prefix the broker suggests (docs/ARCHITECTURE.md,
      // Data safety: keys stay under uploads/<identity id>/).
      keyPrefix: `uploads/${identity.identityId}/`,
      identityId: identity.identityId,
      refreshCredentials: credentials.refresh,
      onUnreachable: () => session.recheckEndpoints(),
    };
  };

  const folders = createFolderSync({
    db,
    queue,
    log,
    onTransferChanged: (listener) => bus.on('transfers.changed', (payload) => listener(payload.transfers)),
    onTransfersRemoved: (listener) => bus.on('transfers.removed', (payload) => listener(payload.ids)),
    settings: settings.get,
    emit: (event, payload) => bus.emit(event, payload),
  });

  session.onChange((view) => bus.emit('session', view));
  session.onIdentity((identity) => queue.setTarget(identity ? targetFor(identity) : undefined));
  let connectionSettings = JSON.stringify([settings.get().proxyUrl, settings.get().caFile]);
  settings.onChange((next) => {
    bus.emit('settings.changed', next); // every window and client, whoever changed them
    queue.settingsChanged();
    folders.settingsChanged(); // new ignore patterns: rescan
    const now = JSON.stringify([next.proxyUrl, next.caFile]);
    if (now !== connectionSettings) {
      // New proxy or authorities: new pools (in-flight parts resume from the journal on them).
      connectionSettings = now;
      network.reset();
      const identity = session.identity();
      if (identity) queue.setTarget(targetFor(identity));
    }
  });

  await services.start(session); // restores the kept session
  await services.start(queue);
  await services.start(folders);
  // After sleep, files may have changed while no watcher ran: scan again (and the queue's sockets were
  // cut by the stall timeout already).
  await services.start(
    wakeWatch(() => {
      log.info('woke from sleep: rescanning watched folders');
      void folders
        .rescanAll()
        .catch((error: unknown) => log.warn('rescan after wake failed', { error: String(error) }));
    }),
  );

  const ok = { ok: true } as const;
  // Steering an id that does not exist (a typo, or cancelled meanwhile) is said, not silently ignored.
  const known = (id: string): string => {
    if (queue.stateOf(id) === undefined) throw new UnknownTransferError(id);
    return id;
  };
  const steerable = (id: string, action: 'pause' | 'resume'): string => {
    if (queue.stateOf(known(id)) === 'done') throw new AlreadyUploadedError(`Transfer ${id}`, action);
    return id;
  };
  const engine: Engine = {
    events: { on: (event, listener) => bus.on(event, listener) },
    whenIdle: () => queue.whenIdle(),
    rescanFolders: () => folders.rescanAll(),
    async stop() {
      await services.stop();
      db.close();
    },

    'session.get': async () => session.view(),
    'session.signIn': async ({ username, password }) => session.signIn(username, password),
    'session.setBroker': async ({ brokerUrl }) => session.setBroker(brokerUrl),
    'session.signInMethods': async ({ brokerUrl }) => session.signInMethods(brokerUrl),
    'session.signInWithBrowser': async () => session.signInWithBrowser(options.openUrl),
    'session.signInWithDevice': async () => session.signInWithDevice(),
    'session.signOut': async () => {
      const view = await session.signOut();
      return view;
    },

    'transfers.list': async ({ filter, offset, limit }) => queue.list(filter, { offset, limit }),
    'transfers.totals': async () => queue.totals(),
    'transfers.add': async ({ paths, handles, to }) => {
      // Handles are resolved by the window's transport (electron/rpc); one that reaches here came another way.
      if (handles !== undefined || paths === undefined)
        throw Object.assign(
          new Error('File handles mean something only to the window they were given to: give paths.'),
          {
            code: 'handles_not_accepted',
          },
        );
      // A bad destination folder is one problem of the whole request, not one per file under it.
      const toProblem = to === undefined ? undefined : checkDestinationFolder(to);
      if (toProblem) throw new Error(toProblem);
      const { items, skipped } = await expandPaths(paths, {
        to,
        dataDir: options.dataDir,
        stagingDir: stagingDirOf(options.dataDir),
        destinationOwner: (destination) => queue.byDestination(destination)[0]?.sourcePath,
      });
      // Returned, not logged one by one: `hoist upload /` may skip hundreds of thousands of paths.
      if (skipped.length > 0)
        log.info('transfers.add: some paths are not uploaded', { skipped: skipped.length, queued: items.length });
      // The same file to the same place while its transfer is unfinished is that transfer, not a new
      // one: running `hoist upload` again after a crash continues instead of starting over.
      const ids: string[] = [];
      const fresh: typeof items = [];
      for (const item of items) {
        const existing = queue
          .byDestination(item.destination)
          .find((t) => t.sourcePath === item.path && t.state !== 'done');
        if (!existing) fresh.push(item);
        else {
          ids.push(existing.id);
          if (existing.state === 'failed') await queue.retry(existing.id);
        }
      }
      const drop = { kind: 'drop' as const };
      ids.push(...queue.add(fresh.map((item) => ({ ...item, origin: drop }))));
      return skipped.length > 0 ? { ids, skipped } : { ids };
    },
    'transfers.pause': async ({ id }) => (await queue.pause(steerable(id, 'pause')), ok),
    'transfers.resume': async ({ id }) => (await queue.resume(steerable(id, 'resume')), ok),
    'transfers.cancel': async ({ id }) => (await queue.cancel(known(id)), ok),
    'transfers.retry': async ({ id }) => (await queue.retry(known(id)), ok),
    'transfers.pauseAll': async () => (await queue.pauseAll(), ok),
    'transfers.cancelAll': async () => ({ cancelled: await queue.cancelAll() }),
    'transfers.resumeAll': async () => (await queue.resumeAll(), ok),
    'transfers.clearHistory': async () => (await queue.clearHistory(), ok),

    'folders.list': async () => folders.list(),
    'folders.add': async ({ path: folderPath, label }) => {
      checkWatchedFolder(folderPath, limits);
      return folders.add(folderPath, label);
    },
    'folders.pause': async ({ id }) => (await folders.pause(id), ok),
    'folders.resume': async ({ id }) => (await folders.resume(id), ok),
    'folders.remove': async ({ id }) => (await folders.remove(id), ok),

    'diagnostics.check': async () => {
      const view = session.view();
      const current = settings.get();
      const checks = await runDiagnostics({
        dataDir: options.dataDir,
        secrets,
        ...(options.secretsFromEnv ? { secretsFromEnv: true } : {}),
        brokerUrl: view.brokerUrl,
        s3: s3ForClock({
          identity: session.identity(),
          region: options.deployment?.deployment.region,
          brokerUrl: view.brokerUrl,
          unknownBecause: 'Sign in first: the storage to compare clocks with is known once you are signed in.',
        }),
        fetch: network.fetch,
        settings: { proxyUrl: current.proxyUrl, caFile: current.caFile },
        env: process.env,
        ...(options.systemProxy ? { systemProxy: options.systemProxy } : {}),
        stateDb: db.sqlite,
        ...(options.localMode ? { directToLoopback: true } : {}),
      });
      return { checks };
    },

    'settings.get': async () => settings.get(),
    'settings.update': async ({ proxyPassword, ...requested }) => {
      // A password typed into the proxy address goes to the keychain like the password field's.
      const storable = await storableNetworkSettings(requested);
      const patch = storable.patch;
      if (storable.proxyPassword) proxyPassword = storable.proxyPassword;
      if (proxyPassword) await secrets.store.set(PROXY_PASSWORD_ACCOUNT, proxyPassword);
      else if (proxyPassword === null || patch.proxyUrl === null) await secrets.store.delete(PROXY_PASSWORD_ACCOUNT);
      return settings.update(patch);
    },

    // Updates belong to the desktop app, which answers these itself (electron/main/update-service.ts);
    // headless and the command line never have one to offer.
    'update.get': async () => null,
    'update.install': async () => {
      throw new Error('No update is waiting to be installed: the desktop app updates itself.');
    },
    'diagnostics.info': async () => ({ logsFolder: logsDirOf(options.dataDir) }),
    'diagnostics.create': async () =>
      writeDiagnosticsZip({
        dataDir: options.dataDir,
        logsDir: logsDirOf(options.dataDir),
        reports: {
          'versions.json': versionsReport(options.appVersion ?? 'unknown'),
          'settings.json': settingsReport(settings.get()),
          'status.json': statusReport({
            session: session.view(),
            totals: queue.totals(),
            folders: folders.list(),
            pinned: options.deployment !== undefined,
            createdAt: new Date(),
          }),
        },
      }),
  };
  return explainStorageFull(engine, options.dataDir);
}

/**
 * Every command that hits a full disk under the data folder says so in words, naming the folder; other
 * failures get what to do after their words (engine/diagnostics/plain-words.ts).
 */
function explainStorageFull(engine: Engine, dataDir: string): Engine {
  const commands = engine as unknown as Record<string, unknown>;
  for (const [name, command] of Object.entries(commands)) {
    if (!name.includes('.') || typeof command !== 'function') continue;
    commands[name] = async (params: unknown) => {
      try {
        return await (command as (p: unknown) => Promise<unknown>)(params);
      } catch (error) {
        throw isStorageFull(error) && !(error instanceof StorageFullError)
          ? new StorageFullError(dataDir)
          : withActionAdvice(error);
      }
    };
  }
  return engine;
}
