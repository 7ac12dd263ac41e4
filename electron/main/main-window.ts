// The main window, built from the one factory's options (window.ts). Separate from window.ts because it
// needs Electron at run time, which unit tests of the security options do not have.
import { BrowserWindow } from 'electron';
import { lockDownContents, secureWebPreferences } from './window.js';

/** The main window: hidden until ready, locked down, and only hidden (not closed) by its close button. */
export function createMainWindow(options: {
  preloadPath: string;
  rendererIndex: string;
  shouldQuit: () => boolean;
  /** The close button hid the window (Hoist keeps running in the tray). */
  onHidden?: () => void;
}): BrowserWindow {
  const window = new BrowserWindow({
    width: 1100,
    height: 720,
    minWidth: 720,
    minHeight: 480,
    title: 'Hoist',
    show: false,
    webPreferences: secureWebPreferences(options.preloadPath),
  });
  lockDownContents(window.webContents, new URL(`file://${options.rendererIndex}`).href);
  window.once('ready-to-show', () => window.show());
  // Closing the window keeps Hoist uploading from the tray; Quit (tray, menu) really quits.
  window.on('close', (event) => {
    if (options.shouldQuit()) return;
    event.preventDefault();
    window.hide();
    options.onHidden?.();
  });
  void window.loadFile(options.rendererIndex);
  return window;
}
