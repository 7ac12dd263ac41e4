// electron/main: the Electron shell. Lifecycle (single instance, tray, quit), the one window factory
// with its security guards (window.ts), the app menu, notifications, the start-at-login hook and the
// native folder picker. The engine is plain Node (electron/engine), composed here exactly as the
// headless daemon composes it, and reached by the window only through the IPC transport (electron/rpc/ipc).
// May depend on electron, electron/common, electron/engine, electron/rpc; never on renderer code or ipcMain.
import { app, autoUpdater as nativeUpdater, dialog, session, shell, type BrowserWindow } from 'electron';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { startHost } from '../host/index.js';
import { registerIpcTransport } from '../rpc/ipc/index.js';
import { followLoginItem } from './login-item.js';
import { installAppMenu } from './menu.js';
import { notifyOnTransfers } from './notifications.js';
import { createTray } from './tray.js';
import { createMainWindow } from './main-window.js';
import { confirmBrokerChange } from './broker-change.js';
import { createAutoUpdater } from './auto-updater.js';
import { createUpdateService, withUpdates } from './update-service.js';
import { openShellMemory } from './shell-memory.js';
import { closeToTrayNotice, confirmQuit, restartDeferredNotice, tellPerson } from './shell-notices.js';
import { quitQuestion } from './tray-state.js';
import { systemClock } from '../engine/platform/clock.js';
import { openLogsFolder, saveDiagnostics } from './diagnostics.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const rendererIndex = path.resolve(here, '../../../renderer/dist/index.html');
const preloadPath = path.resolve(here, '../preload/index.cjs');

async function start(): Promise<void> {
  let window: BrowserWindow | undefined;
  let quitting = false;

  // The broker: HOIST_BROKER_URL when configured, otherwise the in-process local stack. The data
  // folder is the one the command line uses by default, so both share one journal and session.
  const host = await startHost({
    kind: 'desktop',
    appVersion: app.getVersion(),
    // HOIST_DATA_DIR: a separate state folder (tests, a second profile); the command line honours it too.
    data: process.env.HOIST_DATA_DIR ?? app.getPath('userData'),
    ...(process.env.HOIST_BROKER_URL ? { broker: process.env.HOIST_BROKER_URL } : {}),
    // The OS's proxy settings (PAC and auto-detect included), as Chromium resolves them; what the
    // answer means is decided in the engine (electron/engine/net/system-proxy.ts), tested without Electron.
    systemProxy: (url) => session.defaultSession.resolveProxy(url),
    // Sign-in with the organisation happens in the system browser, never in a view of ours.
    openUrl: async (url) => {
      if (!/^https?:\/\//i.test(url)) throw new Error('only http(s) addresses are opened');
      await shell.openExternal(url);
    },
    // A company's installer may carry its deployment file beside the app's resources (build/electron-builder.yml).
    ...(app.isPackaged ? { bundledDeploymentFile: path.join(process.resourcesPath, 'deployment.json') } : {}),
    // Leaving a session for another sign-in service is asked here, in a native dialog the window cannot answer.
    confirmBrokerChange: (change) => confirmBrokerChange(change, window),
  });
  const following = followLoginItem(host.engine, (error) =>
    host.log.warn('start at login: the OS could not be set to match the setting', { error: String(error) }),
  );
  const stopLoginItem = () => following.stopFollowing();
  // Updates (docs/ARCHITECTURE.md, Contracts: updates): only a packaged app with a feed has an updater.
  const updater = createAutoUpdater({
    packaged: app.isPackaged,
    resourcesPath: process.resourcesPath,
    dataDir: host.dataDir,
    deploymentUpdateUrl: host.deployment?.deployment.updateUrl,
    log: host.log,
  });
  const updates = updater && createUpdateService({ updater, engine: following, clock: systemClock, log: host.log });
  const engine = updates ? withUpdates(following, updates) : following;
  const memory = openShellMemory(host.dataDir, (error) =>
    host.log.warn('could not read or write shell.json', { error: String(error) }),
  );

  const open = () => {
    if (!window || window.isDestroyed())
      window = createMainWindow({
        preloadPath,
        rendererIndex,
        shouldQuit: () => quitting,
        // The first time the window closes, say that Hoist keeps going in the tray.
        onHidden: () => {
          if (memory.tellOnce('close-to-tray')) tellPerson(closeToTrayNotice.title, closeToTrayNotice.body, open);
        },
      });
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
  };
  // Quit asks first while uploads run (tray-state.ts decides); the update is installed on the way out
  // only when none was running.
  let asking = false;
  const quit = async () => {
    if (asking) return;
    asking = true;
    try {
      const totals = await engine['transfers.totals']({}).catch(() => undefined);
      const question = quitQuestion(totals);
      if (question && !(await confirmQuit(question, window))) return;
      quitting = true;
      updates?.beforeQuit();
      app.quit();
    } finally {
      asking = false;
    }
  };

  const stopIpc = registerIpcTransport({
    engine,
    log: host.log,
    window: () => window,
    appUrl: new URL(`file://${rendererIndex}`).href,
    pickFolder: async () => {
      const options = {
        title: 'Choose a folder to upload from',
        properties: ['openDirectory' as const, 'createDirectory' as const],
      };
      const result = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
    showInFolder: (file) => shell.showItemInFolder(file),
    openLogsFolder: () => openLogsFolder(host),
    saveDiagnostics: (name) => saveDiagnostics(host, window, name),
  });
  const stopTray = createTray({
    engine,
    open,
    quit: () => void quit(),
    restartDeferred: () => tellPerson(restartDeferredNotice.title, restartDeferredNotice.body, open),
  });
  updates?.start();
  const stopNotifications = notifyOnTransfers(engine, open);
  // Back from the browser: the window comes to the front once the sign-in there has finished.
  let signedIn = (await engine['session.get']({})).state === 'signed-in';
  const stopSignInFocus = engine.events.on('session', (session) => {
    const now = session.state === 'signed-in';
    if ((now && !signedIn) || session.signInError) open();
    signedIn = now;
  });
  installAppMenu({
    open,
    quit: () => void quit(),
    openLogsFolder: () => openLogsFolder(host),
    saveDiagnostics: () =>
      void saveDiagnostics(host, window).catch((error: unknown) =>
        dialog.showErrorBox('Diagnostics could not be saved', error instanceof Error ? error.message : String(error)),
      ),
  });

  // Restarting to install (only ever when idle: update-policy.ts) closes the windows first: they must
  // close for real, not hide, and the quit must not ask.
  nativeUpdater.on('before-quit-for-update', () => {
    quitting = true;
  });
  app.on('second-instance', open);
  app.on('activate', open);
  // The tray keeps Hoist running with no window; only an explicit Quit ends it.
  app.on('window-all-closed', () => {});
  app.on('before-quit', (event) => {
    event.preventDefault();
    // A quit from elsewhere (the macOS app menu, the dock) asks like the tray's Quit.
    if (!quitting) return void quit();
    // Close the engine (journal, uploads in flight) before the process goes.
    updates?.stop();
    stopNotifications();
    stopLoginItem();
    stopSignInFocus();
    stopTray();
    stopIpc();
    app.removeAllListeners('before-quit');
    void host.close().finally(() => app.quit());
  });

  open();
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  void app
    .whenReady()
    .then(start)
    .catch((err: unknown) => {
      dialog.showErrorBox('Hoist could not start', err instanceof Error ? err.message : String(err));
      app.exit(1);
    });
}
