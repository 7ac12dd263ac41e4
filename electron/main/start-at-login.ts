// The start-at-login setting followed by the OS: the engine stores the setting, `apply` makes the OS
// match it. It follows the engine's settings.changed event, so whichever path changes the setting (the
// window over IPC, `hoist config` over the control socket) the OS follows; when the OS refuses, the
// setting goes back, and a window that asked is told why. Plain Node, so the wiring is tested with a
// real engine and the Linux writer (xdg-autostart.ts), without Electron.
import type { EngineApi, EngineEventSource } from '../common/contract.js';

export type ApplyStartAtLogin = (startAtLogin: boolean) => void | Promise<void>;

export type FollowingEngine<E> = E & { stopFollowing(): void };

export function followStartAtLogin<E extends EngineApi & { events: EngineEventSource }>(
  engine: E,
  apply: ApplyStartAtLogin,
  onError: (error: unknown) => void = () => {},
): FollowingEngine<E> {
  /** What the OS was last made to match, and the setting's last known value. */
  let applied: boolean | undefined;
  let setting: boolean | undefined;
  let last: Promise<void> = Promise.resolve();
  /** The value the setting was put back to after the OS refused a change (the OS never left it). */
  let putBack: boolean | undefined;

  /** Makes the OS match `on` once per change; callers asking for the same value share the outcome. */
  const follow = (on: boolean): Promise<void> => {
    const previous = setting;
    setting = on;
    if (on === putBack) {
      // Our own undo, heard back: applying it again could fail again and undo the undo, for ever.
      putBack = undefined;
      applied = on;
      return last;
    }
    if (on === applied) return last;
    const before = applied;
    applied = on;
    // One change at a time, in order: two writers of the same entry must not interleave.
    last = last
      .catch(() => undefined)
      .then(() => apply(on))
      .catch(async (error: unknown) => {
        applied = before;
        // The OS refused: the setting goes back to what it was, so it never claims what is not so.
        if (previous !== undefined && previous !== on) {
          putBack = previous;
          await engine['settings.update']({ startAtLogin: previous }).catch(() => (putBack = undefined));
        }
        throw error;
      });
    last.catch(onError);
    return last;
  };

  // At start the OS is brought in line with the stored setting (it may have been changed elsewhere);
  // changes heard meanwhile wait for that, so they apply after it, in order.
  const ready = engine['settings.get']({}).then(
    (s) => follow(s.startAtLogin).catch(() => undefined),
    (error: unknown) => onError(error),
  );
  const stop = engine.events.on(
    'settings.changed',
    (s) => void ready.then(() => follow(s.startAtLogin).catch(() => undefined)),
  );

  return Object.assign(Object.create(engine) as E, {
    'settings.update': async (patch: Parameters<EngineApi['settings.update']>[0]) => {
      await ready;
      const next = await engine['settings.update'](patch);
      try {
        await follow(next.startAtLogin);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new Error(`Could not ${next.startAtLogin ? 'turn on' : 'turn off'} start at login: ${reason}`, {
          cause: error,
        });
      }
      return next;
    },
    stopFollowing: stop,
  });
}
