// The headless transport: the daemon's WebSocket (electron/daemon), same contract and envelope as IPC,
// under the generic RPC client. Reconnects with backoff; calls made while disconnected wait for the
// next connection, and calls in flight when it drops fail with code "disconnected" (the engine may or
// may not have run them).
import { createRpcClient } from '../../../electron/common/rpc/client.js';
import {
  decodeJson,
  notJson,
  type MessageTransport,
  type TransportReceiver,
} from '../../../electron/common/rpc/transport.js';
import { rpcSubprotocol, tokenSubprotocolPrefix } from '../../../electron/common/headless-token.js';
import type { Connection, ConnectionStatus } from './connection.js';

/** After this many failed attempts in a row the UI says the daemon is gone (it keeps trying). */
const attemptsBeforeLost = 4;

/** `token`: the daemon's access token, offered as a subprotocol (electron/common/headless-token.ts). */
export function createSocketConnection(url: string, token: string | undefined): Connection {
  const protocols = [rpcSubprotocol, ...(token ? [`${tokenSubprotocolPrefix}${token}`] : [])];
  const statusListeners = new Set<(status: ConnectionStatus) => void>();
  let status: ConnectionStatus = 'connecting';
  let receiver: TransportReceiver | undefined;
  let socket: WebSocket | undefined;
  let failures = 0;
  let closed = false;
  /** Messages sent while no socket is open: they go out, in order, once one is. */
  let waiting: string[] = [];

  function setStatus(next: ConnectionStatus) {
    if (next === status) return;
    status = next;
    statusListeners.forEach((l) => l(next));
  }

  function open() {
    const ws = new WebSocket(url, protocols);
    socket = ws;
    let opened = false;
    ws.onopen = () => {
      opened = true;
      failures = 0;
      setStatus('open');
      const queued = waiting;
      waiting = [];
      queued.forEach((text) => ws.send(text));
    };
    ws.onmessage = (message) => {
      const data = decodeJson(String(message.data));
      if (data !== notJson) receiver?.message(data);
    };
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = undefined;
      // Only a connection that was open had requests in flight: they fail, and so does anything sent
      // while it was closing (the client counts those as in flight too). Calls made later wait.
      if (opened) {
        waiting = [];
        receiver?.closed();
      }
      if (closed) return;
      failures++;
      setStatus(failures >= attemptsBeforeLost ? 'lost' : 'reconnecting');
      setTimeout(open, Math.min(500 * 2 ** Math.min(failures, 4), 8000));
    };
  }

  const transport: MessageTransport = {
    send(message) {
      const text = JSON.stringify(message);
      if (socket?.readyState === WebSocket.OPEN) socket.send(text);
      else waiting.push(text);
    },
    receive: (r) => void (receiver = r),
    close() {
      closed = true;
      socket?.close();
    },
  };
  const client = createRpcClient(transport);

  open();
  return {
    client,
    status: () => status,
    onStatus(listener) {
      statusListeners.add(listener);
      return () => void statusListeners.delete(listener);
    },
    drop: { kind: 'stage', token: token ?? '' },
    desktop: false,
    close: () => client.close(),
  };
}
