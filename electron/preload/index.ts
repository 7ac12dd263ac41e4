// electron/preload: exposes ONE frozen, typed bridge as `window.hoist` through contextBridge and nothing
// else (docs/ARCHITECTURE.md, style rule 4). It is a thin pipe: for RPC a message transport (the main
// process validates every request against the contract; the window's generic RPC client correlates
// replies), plus the shell capabilities a browser lacks. Bundled to CommonJS (sandboxed preloads
// cannot be ES modules). Depends on electron (renderer side) and electron/common (types, channel names) only.
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import type { HoistBridge } from '../common/bridge.js';
import { ipcChannels } from '../common/ipc-channels.js';

const bridge: HoistBridge = {
  send: (message) => ipcRenderer.send(ipcChannels.rpc, message),
  onMessage(listener) {
    const forward = (_event: IpcRendererEvent, message: unknown) => listener(message);
    ipcRenderer.on(ipcChannels.message, forward);
    return () => void ipcRenderer.removeListener(ipcChannels.message, forward);
  },
  handlesForFiles(files) {
    // webUtils gives a path only for a File the person dropped or chose; one made by script has ''.
    const paths = Array.from(files, (file) => webUtils.getPathForFile(file)).filter((p) => p !== '');
    return paths.length === 0
      ? Promise.resolve([])
      : (ipcRenderer.invoke(ipcChannels.registerFiles, paths) as Promise<string[]>);
  },
  pickFolder: () => ipcRenderer.invoke(ipcChannels.pickFolder) as Promise<string | null>,
  showInFolder: (path) => void ipcRenderer.invoke(ipcChannels.showInFolder, path),
  openLogsFolder: () => void ipcRenderer.invoke(ipcChannels.openLogsFolder),
  saveDiagnostics: (name) => ipcRenderer.invoke(ipcChannels.saveDiagnostics, name) as Promise<string | null>,
};

contextBridge.exposeInMainWorld('hoist', Object.freeze(bridge));
