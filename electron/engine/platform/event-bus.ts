// The engine's event bus: typed by the contract, fanned out to every window and transport.
import type { EventName, EventPayload } from '../../common/contract.js';

type Listener<E extends EventName> = (payload: EventPayload<E>) => void;

export interface EventBus {
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
  on<E extends EventName>(event: E, listener: Listener<E>): () => void;
}

export function createEventBus(onListenerError: (error: unknown) => void = () => {}): EventBus {
  const listeners = new Map<EventName, Set<Listener<never>>>();
  return {
    emit(event, payload) {
      for (const listener of listeners.get(event) ?? []) {
        // One broken subscriber (a closed window) must not stop the others or the engine.
        try {
          (listener as Listener<typeof event>)(payload);
        } catch (error) {
          onListenerError(error);
        }
      }
    },
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as Listener<never>);
      return () => set.delete(listener as Listener<never>);
    },
  };
}
