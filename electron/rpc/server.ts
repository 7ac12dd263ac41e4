// The generic RPC server: serves the engine over any number of MessageTransports. Each request goes
// through the dispatcher (which validates it and serialises failures); every engine event, parsed once,
// goes to every connection. Transports (./socket, ./ipc, the daemon's WebSocket) only frame messages.
import type { EngineApi, EngineEventSource, RpcEvent, RpcResponse } from '../common/contract.js';
import { notJson, type MessageTransport } from '../common/rpc/transport.js';
import { createDispatcher, type DispatcherOptions } from './dispatch.js';
import { fanOutEvents } from './events.js';
import { stderrLog } from './log.js';

export interface RpcServer {
  /** Serves one connection until its transport closes; returns a function that stops serving it. */
  serve(transport: MessageTransport): () => void;
  /** Stops forwarding events and closes every connection. */
  close(): void;
}

const undecodable: RpcResponse = { id: -1, error: { code: 'invalid_request', message: 'Not JSON.' } };

export function createRpcServer(
  engine: EngineApi & { events: EngineEventSource },
  options: DispatcherOptions = {},
): RpcServer {
  const log = options.log ?? stderrLog;
  const dispatch = createDispatcher(engine, options);
  const connections = new Set<MessageTransport>();

  const deliver = (transport: MessageTransport, message: RpcResponse | RpcEvent) => {
    try {
      transport.send(message);
    } catch (err) {
      // One broken connection must not keep the others from their replies and events.
      log.error(`rpc: could not send to a connection: ${err instanceof Error ? err.message : String(err)}`);
    }
  };

  const stopEvents = fanOutEvents(
    engine.events,
    (message) => {
      for (const transport of connections) deliver(transport, message);
    },
    log,
    () => connections.size > 0,
  );

  return {
    serve(transport) {
      connections.add(transport);
      transport.receive({
        message(raw) {
          if (raw === notJson) return deliver(transport, undecodable);
          void dispatch(raw).then((response) => deliver(transport, response));
        },
        closed: () => connections.delete(transport),
      });
      return () => void connections.delete(transport);
    },
    close() {
      stopEvents();
      for (const transport of connections) transport.close();
      connections.clear();
    },
  };
}
