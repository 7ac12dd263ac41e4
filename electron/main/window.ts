// The one window factory (docs/ARCHITECTURE.md, style rule 5): every BrowserWindow Hoist opens comes from here, so the
// security options cannot be forgotten on one of them.
// Type-only Electron imports: unit tests load this file without Electron's binary.
import type { BrowserWindowConstructorOptions, WebContents } from 'electron';
import { isSameDocument } from '../common/same-document.js';

/** webPreferences every Hoist window gets. Exported so a unit test can assert them without Electron. */
export function secureWebPreferences(
  preloadPath: string,
): NonNullable<BrowserWindowConstructorOptions['webPreferences']> {
  return {
    preload: preloadPath,
    sandbox: true,
    contextIsolation: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webviewTag: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    spellcheck: false,
  };
}

/** The parts of WebContents lockDownContents touches (so a unit test can pass a stand-in). */
export type LockableContents = Pick<WebContents, 'on' | 'setWindowOpenHandler'> & {
  session: Pick<WebContents['session'], 'setPermissionRequestHandler' | 'setPermissionCheckHandler'>;
};

/** Same document as the app's page (query and fragment aside): the only place the window may go. */
export const isAppUrl = isSameDocument;

/** Deny navigation away from the app, redirects, webviews, new windows and every permission request. */
export function lockDownContents(contents: LockableContents, appUrl: string): void {
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url, appUrl)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url, appUrl)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  contents.session.setPermissionCheckHandler(() => false);
}
