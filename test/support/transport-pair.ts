// Two ends of an in-memory MessageTransport, for testing the generic RPC server and client without a
// socket. Messages cross as JSON text, asynchronously, as they would over a wire; closing either end
// tells both receivers.
import { decodeJson, type MessageTransport, type TransportReceiver } from '../../electron/common/rpc/transport.js';

export interface TransportPair {
  server: MessageTransport;
  client: MessageTransport;
  /** Sends raw text to the server end, as a misbehaving client would. */
  sendRawToServer(text: string): void;
  /** Every message the server end sent, in order. */
  sentByServer: unknown[];
}

export function transportPair(): TransportPair {
  const receivers: { server?: TransportReceiver; client?: TransportReceiver } = {};
  const sentByServer: unknown[] = [];
  let open = true;
  const deliver = (to: 'server' | 'client', text: string) =>
    queueMicrotask(() => {
      if (open) receivers[to]?.message(decodeJson(text));
    });
  const close = () => {
    if (!open) return;
    open = false;
    queueMicrotask(() => {
      receivers.server?.closed();
      receivers.client?.closed();
    });
  };
  return {
    server: {
      send(message) {
        sentByServer.push(message);
        if (open) deliver('client', JSON.stringify(message));
      },
      receive: (receiver) => void (receivers.server = receiver),
      close,
    },
    client: {
      send: (message) => open && deliver('server', JSON.stringify(message)),
      receive: (receiver) => void (receivers.client = receiver),
      close,
    },
    sendRawToServer: (text) => deliver('server', text),
    sentByServer,
  };
}
