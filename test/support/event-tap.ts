// An engine's pushed events with a hand on them, for browser tests of how a window copes with events the
// real engine sends only in some cases: mute one (as the engine does when it says transfers.invalidated
// instead of a transfers.changed per row) and push one on demand. Commands pass through untouched.
import type { EngineEventSource, EventName, EventPayload } from '../../electron/common/contract.js';

export interface EventTap<T> {
  /** The engine to serve: the same commands, events through the tap. */
  engine: T;
  /** Stops forwarding `event` until the returned function is called. */
  mute(event: EventName): () => void;
  /** Pushes an event to every subscriber, as if the engine had sent it. */
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
}

export function tapEvents<T extends { events: EngineEventSource }>(engine: T): EventTap<T> {
  const muted = new Set<EventName>();
  const extra = new Map<EventName, Set<(payload: never) => void>>();
  const events: EngineEventSource = {
    on(event, listener) {
      const offEngine = engine.events.on(event, (payload) => {
        if (!muted.has(event)) listener(payload);
      });
      let set = extra.get(event);
      if (!set) extra.set(event, (set = new Set()));
      set.add(listener as (payload: never) => void);
      return () => {
        offEngine();
        set.delete(listener as (payload: never) => void);
      };
    },
  };
  return {
    // Commands are looked up on the engine itself, so a test that replaces one on it reaches the window.
    engine: Object.assign(Object.create(engine) as T, { events }),
    mute(event) {
      muted.add(event);
      return () => void muted.delete(event);
    },
    emit(event, payload) {
      extra.get(event)?.forEach((listener) => listener(payload as never));
    },
  };
}
