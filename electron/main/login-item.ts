// The start-at-login hook: the engine stores the setting, the shell applies it to the OS. Wraps the
// engine's settings commands so whichever window or CLI changes the setting, the OS follows.
import { app } from 'electron';
import type { EngineApi } from '../common/contract.js';

export function withLoginItem<E extends EngineApi>(engine: E): E {
  const apply = (startAtLogin: boolean) => {
    // Linux has no standard login-item API in Electron; the setting is kept and packaging adds autostart.
    if (process.platform === 'darwin' || process.platform === 'win32') app.setLoginItemSettings({ openAtLogin: startAtLogin });
  };
  void engine['settings.get']({}).then((s) => apply(s.startAtLogin));
  return Object.assign(Object.create(engine) as E, {
    'settings.update': async (patch: Parameters<EngineApi['settings.update']>[0]) => {
      const next = await engine['settings.update'](patch);
      apply(next.startAtLogin);
      return next;
    },
  });
}
