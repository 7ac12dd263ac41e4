// electron/rpc: binds the one contract (electron/common/contract.ts) to the engine, independent of the
// transport. Transports live beside it: ./ipc (Electron, the only place that may import ipcMain) and the
// headless daemon's WebSocket (electron/daemon). Depends on electron/common and zod only: no Electron,
// no Node built-ins, so both the Electron main process and the plain-Node daemon can use it.
export { createDispatcher, type Dispatch, type DispatcherOptions } from './dispatch.js';
export { fanOutEvents, type EngineEventSource } from './events.js';
export { stderrLog, type RpcLog } from './log.js';
