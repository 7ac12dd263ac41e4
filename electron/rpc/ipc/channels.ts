// The IPC channel names, shared by the transport (main) and the preload. Plain data: no Electron import,
// so the preload bundle and unit tests can use it.
export const ipcChannels = {
  /** invoke: RpcRequest → RpcResponse */
  rpc: 'hoist:rpc',
  /** send (main → our window): RpcEvent */
  event: 'hoist:event',
  /** invoke: () → string | null, the native folder picker */
  pickFolder: 'hoist:pick-folder',
} as const;
