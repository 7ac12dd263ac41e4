// A tiny typed listener registry for the events a client hears.
import type { EventName } from '../contract.js';

export class Listeners {
  private readonly byEvent = new Map<EventName, Set<(payload: unknown) => void>>();

  add(event: EventName, listener: (payload: unknown) => void): () => void {
    let set = this.byEvent.get(event);
    if (!set) this.byEvent.set(event, (set = new Set()));
    set.add(listener);
    return () => void set.delete(listener);
  }

  emit(event: EventName, payload: unknown): void {
    for (const listener of this.byEvent.get(event) ?? []) {
      try {
        listener(payload);
      } catch (err) {
        // A broken listener is a bug: report it as uncaught (the window's error event, the process's
        // uncaughtException), after the other listeners have had the event.
        queueMicrotask(() => {
          throw new Error(`listener for ${event} failed`, { cause: err });
        });
      }
    }
  }
}
