// The daemon's WebSocket as a MessageTransport: one JSON message per text frame. A binary frame closes
// the socket (1003, unsupported data); a client that stops reading is dropped instead of buffered.
import type { WebSocket } from 'ws';
import { decodeJson, type MessageTransport } from '../common/rpc/transport.js';

/** A client that stops reading would make us buffer events without bound; past this it is dropped. */
const maxBuffered = 16 * 1024 * 1024;

export function webSocketTransport(ws: WebSocket, encode: (message: unknown) => string): MessageTransport {
  return {
    send(message) {
      if (ws.readyState !== ws.OPEN) return;
      if (ws.bufferedAmount > maxBuffered) return ws.terminate();
      ws.send(encode(message));
    },
    receive(receiver) {
      ws.on('message', (data, isBinary) => {
        if (isBinary) return ws.close(1003, 'text only');
        receiver.message(decodeJson(data.toString()));
      });
      ws.on('close', () => receiver.closed());
    },
    close: () => ws.terminate(),
  };
}
