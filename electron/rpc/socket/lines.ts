// The control socket's framing: one JSON message per line over a local stream socket, as a
// MessageTransport. Both ends (the running Hoist and the command line) use it.
import type { Socket } from 'node:net';
import { createJsonEncoder, decodeJson, type MessageTransport } from '../../common/rpc/transport.js';

export interface LineTransportOptions {
  /** A line longer than this closes the socket (the server's bound on memory); unlimited by default. */
  maxLineBytes?: number;
  /** Shared by a server's connections, so an event is encoded once for all of them. */
  encode?: (message: unknown) => string;
}

export function lineTransport(socket: Socket, options: LineTransportOptions = {}): MessageTransport {
  const encode = options.encode ?? createJsonEncoder();
  socket.setEncoding('utf8');
  return {
    send(message) {
      if (!socket.destroyed && socket.writable) socket.write(`${encode(message)}\n`);
    },
    receive(receiver) {
      let buffer = '';
      socket.on('data', (chunk: string) => {
        buffer += chunk;
        if (options.maxLineBytes !== undefined && buffer.length > options.maxLineBytes && !buffer.includes('\n')) {
          socket.destroy();
          return;
        }
        let newline: number;
        while ((newline = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, newline);
          buffer = buffer.slice(newline + 1);
          receiver.message(decodeJson(line));
        }
      });
      socket.on('close', () => receiver.closed());
    },
    close: () => void socket.end(),
  };
}
