// The one seam every RPC transport fills: a way to send a message, receive messages and close. The
// generic server (electron/rpc/server.ts) and client (./client.ts) speak only to this, so the control
// socket, the daemon's WebSocket, the renderer's socket and Electron IPC are small adapters that do
// framing and nothing else. Runtime-free: the renderer bundle and Node share it.

/** Who consumes a transport's messages: the RPC server or client, one per transport. */
export interface TransportReceiver {
  /** A decoded message, or `notJson` when the frame could not be decoded. */
  message(message: unknown): void;
  /** The connection dropped: replies to messages already sent will not come (it may reconnect). */
  closed(): void;
}

export interface MessageTransport {
  /** Sends one message; dropped when the connection is not open (the adapter says what that means). */
  send(message: unknown): void;
  /** Starts delivering to `receiver`; call once. */
  receive(receiver: TransportReceiver): void;
  /** Closes for good. */
  close(): void;
}

/** What a text transport delivers for a frame that is not JSON: the server answers it, the client drops it. */
export const notJson: unique symbol = Symbol('not JSON');

export function decodeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return notJson;
  }
}

/**
 * JSON.stringify that remembers the last message: an event goes to every connection as the same
 * object, so it is encoded once however many windows listen.
 */
export function createJsonEncoder(): (message: unknown) => string {
  let lastMessage: unknown;
  let lastText = '';
  return (message) => {
    if (message !== lastMessage || lastText === '') {
      lastMessage = message;
      lastText = JSON.stringify(message);
    }
    return lastText;
  };
}
