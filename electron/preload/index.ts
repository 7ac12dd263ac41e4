// electron/preload: exposes ONE frozen, typed client as `window.hoist` through contextBridge and nothing
// else (docs/ARCHITECTURE.md, style rule 4). It is a thin pipe: the main process validates every message against the
// contract, and the renderer's EngineClient (renderer/src/api) turns responses into results or errors.
// Bundled to CommonJS (sandboxed preloads cannot be ES modules). Depends on electron (renderer side)
// and electron/common (the contract's types and the IPC channel names) only.
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import type { CommandName, CommandParams, EventName, RpcEvent, RpcResponse } from '../common/contract.js';
import { ipcChannels } from '../common/ipc-channels.js';

/** The shape of window.hoist; renderer/src/api/bridge.ts declares the same for the window. */
export interface HoistBridge {
  /** Resolves to the raw response (result or error) so the error code survives contextBridge. */
  call<C extends CommandName>(command: C, params: CommandParams<C>): Promise<RpcResponse>;
  on(event: EventName, listener: (payload: unknown) => void): () => void;
  /** The local path of a dropped or chosen File (Electron only; browsers hide it). */
  pathForFile(file: File): string;
  /** The native folder picker; null when cancelled. */
  pickFolder(): Promise<string | null>;
  /** Opens the file manager with this file selected (a finished upload's source). */
  showInFolder(path: string): void;
}

const listeners = new Map<string, Set<(payload: unknown) => void>>();
ipcRenderer.on(ipcChannels.event, (_event, message: RpcEvent) => {
  for (const listener of listeners.get(message.event) ?? []) listener(message.payload);
});

let nextId = 1;

const bridge: HoistBridge = {
  call: (command, params) => ipcRenderer.invoke(ipcChannels.rpc, { id: nextId++, command, params }) as Promise<RpcResponse>,
  on(event, listener) {
    let set = listeners.get(event);
    if (!set) listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => void set.delete(listener);
  },
  pathForFile: (file) => webUtils.getPathForFile(file),
  pickFolder: () => ipcRenderer.invoke(ipcChannels.pickFolder) as Promise<string | null>,
  showInFolder: (path) => void ipcRenderer.invoke(ipcChannels.showInFolder, path),
};

contextBridge.exposeInMainWorld('hoist', Object.freeze(bridge));
