// Event fan-out: subscribes once to every event the contract names and hands each payload, parsed
// against its schema (unknown fields stripped), to one sender. The RPC server passes a sender that
// reaches every connection.
import { events, type EngineEventSource, type EventName, type RpcEvent } from '../common/contract.js';
import { stderrLog, type RpcLog } from './log.js';

const eventNames = Object.keys(events) as EventName[];

/**
 * Forward every engine event to `send`; returns a function that stops forwarding. While `wanted` says
 * no one would receive them (a command line's engine with no other `hoist` connected), events are not
 * even parsed: a busy queue emits many.
 */
export function fanOutEvents(
  source: EngineEventSource,
  send: (message: RpcEvent) => void,
  log: RpcLog = stderrLog,
  wanted: () => boolean = () => true,
): () => void {
  const offs = eventNames.map((name) =>
    source.on(name, (payload) => {
      if (!wanted()) return;
      const parsed = events[name].safeParse(payload);
      if (!parsed.success) {
        log.error(`rpc: engine event ${name} does not match the contract; dropped`);
        return;
      }
      try {
        send({ event: name, payload: parsed.data });
      } catch (err) {
        // One broken sink must not stop the engine's emitter.
        log.error(`rpc: could not deliver ${name}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }),
  );
  return () => offs.forEach((off) => off());
}
