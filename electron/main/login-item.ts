// The start-at-login hook for the desktop app: macOS and Windows through Electron's login items, Linux
// through an XDG autostart entry (xdg-autostart.ts). start-at-login.ts keeps the OS in step with the
// engine's setting.
import { app } from 'electron';
import type { EngineApi, EngineEventSource } from '../common/contract.js';
import { followStartAtLogin, type FollowingEngine } from './start-at-login.js';
import { setXdgAutostart } from './xdg-autostart.js';

/** What the session should run at login: the AppImage itself (its mount point changes every run), else this binary. */
function linuxCommand(): string[] {
  if (process.env.APPIMAGE) return [process.env.APPIMAGE];
  return app.isPackaged ? [process.execPath] : [process.execPath, app.getAppPath()];
}

async function apply(startAtLogin: boolean): Promise<void> {
  if (process.platform === 'linux') await setXdgAutostart(startAtLogin, linuxCommand());
  else app.setLoginItemSettings({ openAtLogin: startAtLogin });
}

/** The engine as the desktop shell serves it: the OS follows start-at-login; stopFollowing() at quit. */
export function followLoginItem<E extends EngineApi & { events: EngineEventSource }>(
  engine: E,
  onError?: (error: unknown) => void,
): FollowingEngine<E> {
  return followStartAtLogin(engine, apply, onError);
}
