// The window guards, without Electron: lockDownContents against a stand-in that records the handlers it
// is given, and the IPC sender check against plain frame objects.
import { describe, expect, it } from 'vitest';
import { isAppUrl, lockDownContents, type LockableContents } from '../../../electron/main/window.js';
import { isTrustedSender } from '../../../electron/rpc/ipc/trust.js';

const appUrl = 'file:///opt/Hoist/resources/app/renderer/dist/index.html';

function recordingContents() {
  const handlers = new Map<string, (event: { preventDefault(): void }, ...args: unknown[]) => void>();
  const recorded: {
    windowOpen?: (details: unknown) => { action: string };
    permissionRequest?: (...args: unknown[]) => void;
    permissionCheck?: (...args: unknown[]) => boolean;
  } = {};
  const contents = {
    on(name: string, handler: (event: { preventDefault(): void }, ...args: unknown[]) => void) {
      handlers.set(name, handler);
      return contents;
    },
    setWindowOpenHandler(handler: (details: unknown) => { action: string }) {
      recorded.windowOpen = handler;
    },
    session: {
      setPermissionRequestHandler(handler: (...args: unknown[]) => void) {
        recorded.permissionRequest = handler;
      },
      setPermissionCheckHandler(handler: (...args: unknown[]) => boolean) {
        recorded.permissionCheck = handler;
      },
    },
  };
  lockDownContents(contents as unknown as LockableContents, appUrl);
  /** Fires an event; true when the guard prevented it. */
  const fire = (name: string, ...args: unknown[]) => {
    let prevented = false;
    handlers.get(name)?.({ preventDefault: () => (prevented = true) }, ...args);
    return prevented;
  };
  return { fire, recorded, handlers };
}

describe('lockDownContents', () => {
  it('keeps the window on the app page', () => {
    const { fire } = recordingContents();
    expect(fire('will-navigate', `${appUrl}#/settings`)).toBe(false);
    for (const url of [
      'https://evil.example/',
      'file:///etc/passwd',
      `${appUrl}.evil.html`,
      'file:///opt/Hoist/resources/app/renderer/dist/other.html',
      'javascript:alert(1)',
      'not a url',
    ]) {
      expect(fire('will-navigate', url), url).toBe(true);
      expect(fire('will-redirect', url), url).toBe(true);
    }
  });

  it('refuses webviews, new windows and every permission', () => {
    const { fire, recorded } = recordingContents();
    expect(fire('will-attach-webview')).toBe(true);
    expect(recorded.windowOpen?.({ url: 'https://example.com' })).toEqual({ action: 'deny' });
    let granted: boolean | undefined;
    recorded.permissionRequest?.({}, 'media', (allow: boolean) => (granted = allow));
    expect(granted).toBe(false);
    expect(recorded.permissionCheck?.({}, 'notifications')).toBe(false);
  });

  it('compares whole documents, not prefixes', () => {
    expect(isAppUrl(`${appUrl}?x=1`, appUrl)).toBe(true);
    expect(isAppUrl(`${appUrl}x`, appUrl)).toBe(false);
  });
});

describe('IPC sender check', () => {
  const mainFrame = { url: appUrl };
  it('accepts only our main frame showing our page', () => {
    expect(isTrustedSender(mainFrame, mainFrame, appUrl)).toBe(true);
    expect(isTrustedSender({ url: appUrl }, mainFrame, appUrl)).toBe(false); // an iframe or another window
    expect(isTrustedSender(null, mainFrame, appUrl)).toBe(false); // the frame is gone
    expect(isTrustedSender(undefined, mainFrame, appUrl)).toBe(false);
    const navigated = { url: 'https://evil.example/' };
    expect(isTrustedSender(navigated, navigated, appUrl)).toBe(false);
  });
});
