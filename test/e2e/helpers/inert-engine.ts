// An engine that records calls and does nothing, for the daemon's SECURITY tests only: the checks under
// test (token, Host, Origin, frame size) refuse requests before any engine sees them, and the recording
// lets the tests prove it. UI journeys never use this: they run against the real createEngine.
import {
  commands,
  type CommandName,
  type EngineApi,
  type EngineEventSource,
  type EventName,
} from '../../../electron/common/contract.js';

export function inertEngine(): {
  engine: EngineApi & { events: EngineEventSource };
  calls: string[];
  emit(event: EventName, payload: unknown): void;
} {
  const calls: string[] = [];
  const listeners = new Map<string, Set<(payload: never) => void>>();
  const api = Object.fromEntries(
    (Object.keys(commands) as CommandName[]).map((name) => [
      name,
      async () => {
        calls.push(name);
        throw new Error('This engine only records calls.');
      },
    ]),
  ) as unknown as EngineApi;
  const events: EngineEventSource = {
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as (payload: never) => void);
      return () => void set.delete(listener as (payload: never) => void);
    },
  };
  return {
    engine: Object.assign(api, { events }),
    calls,
    emit: (event, payload) => listeners.get(event)?.forEach((l) => l(payload as never)),
  };
}
