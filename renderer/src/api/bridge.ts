// The Electron transport: the preload's frozen window.hoist (electron/preload), a message transport
// under the same generic RPC client (electron/common/rpc/client.ts) the headless socket uses.
import type { HoistBridge } from '../../../electron/common/bridge.js';
import { createRpcClient } from '../../../electron/common/rpc/client.js';
import type { RpcRequest } from '../../../electron/common/contract.js';
import type { Connection } from './connection.js';

export function hoistBridge(): HoistBridge | undefined {
  const candidate = (window as { hoist?: unknown }).hoist;
  return typeof candidate === 'object' && candidate !== null && 'send' in candidate
    ? (candidate as HoistBridge)
    : undefined;
}

export function createBridgeConnection(bridge: HoistBridge): Connection {
  let stop: (() => void) | undefined;
  const client = createRpcClient({
    send: (message) => bridge.send(message as RpcRequest),
    receive: (receiver) => void (stop = bridge.onMessage((message) => receiver.message(message))),
    close: () => stop?.(),
  });
  return {
    client,
    status: () => 'open',
    onStatus: () => () => {},
    drop: { kind: 'handles', handlesFor: (files) => bridge.handlesForFiles(files) },
    pickFolder: () => bridge.pickFolder(),
    showInFolder: (path) => bridge.showInFolder(path),
    openLogsFolder: () => bridge.openLogsFolder(),
    saveDiagnostics: (name) => bridge.saveDiagnostics(name),
    desktop: true,
    close: () => client.close(),
  };
}
