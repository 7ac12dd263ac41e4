// electron/rpc: binds the one contract (electron/common/contract.ts) to the engine, independent of the
// transport. server.ts is the one generic RPC server (dispatch.ts validates each request, events.ts
// forwards events); every transport is a small MessageTransport adapter (electron/common/rpc/transport.ts):
// ./socket (the control socket), ./ipc (Electron, the only place that may import ipcMain) and the
// headless daemon's WebSocket (electron/daemon/ws-transport.ts). No Electron outside ./ipc.
export { createDispatcher, type Dispatch, type DispatcherOptions } from './dispatch.js';
export { fanOutEvents } from './events.js';
export { createRpcServer, type RpcServer } from './server.js';
export { stderrLog, type RpcLog } from './log.js';
