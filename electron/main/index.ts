// Electron main process: lifecycle and window only. The engine is plain Node (electron/engine) and is
// composed here exactly as the headless daemon composes it.
import { app, BrowserWindow } from 'electron';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { secureWebPreferences, lockDownContents } from './window.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const rendererIndex = path.resolve(here, '../../../renderer/dist/index.html');
const preloadPath = path.resolve(here, '../preload/index.cjs');

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  let window: BrowserWindow | undefined;
  app.on('second-instance', () => {
    if (window) {
      if (window.isMinimized()) window.restore();
      window.focus();
    }
  });
  void app.whenReady().then(() => {
    window = new BrowserWindow({
      width: 960,
      height: 680,
      minWidth: 640,
      minHeight: 420,
      title: 'Hoist',
      show: false,
      webPreferences: secureWebPreferences(preloadPath),
    });
    lockDownContents(window.webContents, new URL(`file://${rendererIndex}`).href);
    window.once('ready-to-show', () => window?.show());
    void window.loadFile(rendererIndex);
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
}
