// electron/rpc/ipc: the Electron IPC transport, the only module that may import ipcMain (lint enforces
// it). One invoke channel carries every command and one send channel carries every event; both are
// served to our own window's main frame only, and every message goes through the contract's dispatcher.
// Depends on electron (main process), electron/common and electron/rpc.
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { isAbsolute } from 'node:path';
import type { EngineApi, RpcEvent, RpcResponse } from '../../common/contract.js';
import { createDispatcher } from '../dispatch.js';
import { fanOutEvents, type EngineEventSource } from '../events.js';
import type { RpcLog } from '../log.js';
import { ipcChannels } from '../../common/ipc-channels.js';
import { isTrustedSender } from './trust.js';

export { ipcChannels } from '../../common/ipc-channels.js';
export { isTrustedSender } from './trust.js';

export interface IpcTransportOptions {
  engine: EngineApi & { events: EngineEventSource };
  /** The window we serve; a getter because it may be created after the transport. */
  window: () => BrowserWindow | undefined;
  /** The URL our renderer is loaded from (file://…/index.html); frames elsewhere are refused. */
  appUrl: string;
  /** Where dropped events and contract violations are reported (default: stderr). */
  log?: RpcLog;
  /** Native folder picker (a shell capability, not an engine command): resolves to a path or null. */
  pickFolder?: () => Promise<string | null>;
  /** Shows a local file in the file manager (a shell capability, like pickFolder). */
  showInFolder?: (path: string) => void;
}

const refused: RpcResponse = { id: -1, error: { code: 'unauthorized', message: 'Not allowed.' } };

/** Registers the handlers; returns a function that removes them and stops forwarding events. */
export function registerIpcTransport(options: IpcTransportOptions): () => void {
  const dispatch = createDispatcher(options.engine, { log: options.log });
  const trusted = (event: IpcMainInvokeEvent) => {
    const win = options.window();
    return win !== undefined && !win.isDestroyed() && isTrustedSender(event.senderFrame, win.webContents.mainFrame, options.appUrl);
  };

  ipcMain.handle(ipcChannels.rpc, async (event, raw: unknown) => (trusted(event) ? dispatch(raw) : refused));
  ipcMain.handle(ipcChannels.pickFolder, async (event) => {
    if (!trusted(event) || !options.pickFolder) return null;
    return options.pickFolder();
  });
  ipcMain.handle(ipcChannels.showInFolder, (event, raw: unknown) => {
    // Only an absolute local path: the file manager opens there and nothing is read or run.
    if (!trusted(event) || !options.showInFolder || typeof raw !== 'string' || !isAbsolute(raw) || raw.includes('\0') || raw.length > 4096) return;
    options.showInFolder(raw);
  });

  const stopEvents = fanOutEvents(options.engine.events, (message: RpcEvent) => {
    const win = options.window();
    if (win && !win.isDestroyed()) win.webContents.send(ipcChannels.event, message);
  }, options.log);

  return () => {
    stopEvents();
    ipcMain.removeHandler(ipcChannels.rpc);
    ipcMain.removeHandler(ipcChannels.pickFolder);
    ipcMain.removeHandler(ipcChannels.showInFolder);
  };
}
