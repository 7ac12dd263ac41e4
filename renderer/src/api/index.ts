// renderer/src/api: how the window reaches the engine. One EngineClient interface (electron/common),
// two transports: the preload's window.hoist in Electron, or the headless daemon's WebSocket in a plain
// browser. The rest of the UI only sees `Connection`. Depends on electron/common and the DOM only.
import { createBridgeConnection, hoistBridge } from './bridge.js';
import { createSocketConnection } from './socket.js';
import { takeToken } from './token.js';
import type { Connection } from './connection.js';

export type { Connection, ConnectionStatus, DropTarget } from './connection.js';
export { RpcCallError } from '../../../electron/common/rpc/errors.js';
export { messageOf } from './errors.js';

/** The transport this window has: Electron's bridge when present, else the daemon's WebSocket. */
export function connect(): Connection {
  const bridge = hoistBridge();
  if (bridge) return createBridgeConnection(bridge);
  // The token from the address's fragment goes on the WebSocket as a subprotocol (no cookie).
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return createSocketConnection(`${scheme}//${location.host}/rpc`, takeToken());
}
