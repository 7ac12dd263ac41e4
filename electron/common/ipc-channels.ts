// The IPC channel names, shared by the transport (electron/rpc/ipc) and the preload. Plain data: no Electron
// import, so the preload bundle and unit tests can use it; kept in electron/common because the preload may
// import nothing else of ours.
export const ipcChannels = {
  /** send (our window → main): an RpcRequest */
  rpc: 'hoist:rpc',
  /** send (main → our window): an RpcResponse or an RpcEvent */
  message: 'hoist:message',
  /** invoke: () → string | null, the native folder picker */
  pickFolder: 'hoist:pick-folder',
  /** invoke (the preload only): (paths: string[]) → string[], handles for the paths of dropped or chosen files */
  registerFiles: 'hoist:register-files',
  /** invoke: (path: string) → void, the file manager showing a local file */
  showInFolder: 'hoist:show-in-folder',
  /** invoke: () → void, the file manager at the logs folder */
  openLogsFolder: 'hoist:open-logs-folder',
  /** invoke: (name: string) → string | null, the native save dialog for a diagnostics zip */
  saveDiagnostics: 'hoist:save-diagnostics',
} as const;
