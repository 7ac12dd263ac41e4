// The start-at-login hook: the engine stores the setting, the shell applies it to the OS. It follows
// the engine's settings.changed event, so whichever path changes the setting (the window over IPC,
// `hoist` over the control socket), the OS follows.
import { app } from 'electron';
import type { EngineApi, EngineEventSource } from '../common/contract.js';

/** Applies the setting now and after every change; returns a function that stops following it. */
export function followLoginItem(engine: EngineApi & { events: EngineEventSource }): () => void {
  const apply = (startAtLogin: boolean) => {
    // Linux has no standard login-item API in Electron; the setting is kept and packaging adds autostart.
    if (process.platform === 'darwin' || process.platform === 'win32') app.setLoginItemSettings({ openAtLogin: startAtLogin });
  };
  void engine['settings.get']({}).then((s) => apply(s.startAtLogin));
  return engine.events.on('settings.changed', (s) => apply(s.startAtLogin));
}
