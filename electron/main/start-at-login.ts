// The start-at-login setting followed by the OS: the engine stores the setting, `apply` makes the OS
// match it. Wraps the engine's settings.update so whichever window changes the setting, the OS
// follows; when the OS refuses, the setting goes back and the window is told why. Plain Node, so the
// wiring is tested with a real engine and the Linux writer (xdg-autostart.ts), without Electron.
import type { EngineApi } from '../common/contract.js';

export type ApplyStartAtLogin = (startAtLogin: boolean) => void | Promise<void>;

export function followStartAtLogin<E extends EngineApi>(engine: E, apply: ApplyStartAtLogin, onError: (error: unknown) => void = () => {}): E {
  // At start the OS is brought in line with the stored setting (it may have been changed elsewhere).
  void engine['settings.get']({})
    .then((s) => apply(s.startAtLogin))
    .catch(onError);
  return Object.assign(Object.create(engine) as E, {
    'settings.update': async (patch: Parameters<EngineApi['settings.update']>[0]) => {
      const before = await engine['settings.get']({});
      const next = await engine['settings.update'](patch);
      if (next.startAtLogin === before.startAtLogin) return next;
      try {
        await apply(next.startAtLogin);
      } catch (error) {
        await engine['settings.update']({ startAtLogin: before.startAtLogin });
        const reason = error instanceof Error ? error.message : String(error);
        throw new Error(`Could not ${next.startAtLogin ? 'turn on' : 'turn off'} start at login: ${reason}`, { cause: error });
      }
      return next;
    },
  });
}
