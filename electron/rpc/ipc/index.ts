// electron/rpc/ipc: the Electron IPC transport, the only module that may import ipcMain (lint enforces
// it). Our window sends requests on one channel and hears replies and events on another; only our own
// window's main frame is heard, and every request goes to the generic RPC server (electron/rpc/server.ts)
// over the window's view of the engine (../renderer-engine.ts: files by handle, never by path).
// Depends on electron (main process), electron/common and electron/rpc.
import { ipcMain, type BrowserWindow, type IpcMainEvent, type IpcMainInvokeEvent } from 'electron';
import { isAbsolute } from 'node:path';
import { diagnosticsZipName, type EngineApi, type EngineEventSource, type RpcResponse } from '../../common/contract.js';
import type { MessageTransport } from '../../common/rpc/transport.js';
import type { RpcLog } from '../log.js';
import { createRpcServer } from '../server.js';
import { PathHandles } from '../path-handles.js';
import { rendererEngine } from '../renderer-engine.js';
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
  /** Opens the file manager at the logs folder (a shell capability). */
  openLogsFolder?: () => void;
  /** Saves the diagnostics zip of this name where the user chooses; the saved path, or null. */
  saveDiagnostics?: (name: string) => Promise<string | null>;
}

/** At most 10,000 absolute paths (no NUL, at most 4,096 characters each), as transfers.add takes; else none. */
function registrablePaths(raw: unknown): string[] | undefined {
  if (!Array.isArray(raw) || raw.length > 10_000) return undefined;
  const ok = raw.every((p) => typeof p === 'string' && isAbsolute(p) && !p.includes('\0') && p.length <= 4096);
  return ok ? (raw as string[]) : undefined;
}

const refused: RpcResponse = { id: -1, error: { code: 'unauthorized', message: 'Not allowed.' } };

/** The window as a MessageTransport: requests from its main frame in, replies and events out. */
function windowTransport(options: IpcTransportOptions, trusted: (event: IpcMainEvent) => boolean): MessageTransport {
  let onRequest: ((event: IpcMainEvent, raw: unknown) => void) | undefined;
  return {
    send(message) {
      const win = options.window();
      if (win && !win.isDestroyed()) win.webContents.send(ipcChannels.message, message);
    },
    receive(receiver) {
      onRequest = (event, raw) => (trusted(event) ? receiver.message(raw) : event.reply(ipcChannels.message, refused));
      ipcMain.on(ipcChannels.rpc, onRequest);
    },
    close() {
      if (onRequest) ipcMain.removeListener(ipcChannels.rpc, onRequest);
    },
  };
}

/** Registers the handlers; returns a function that removes them and stops forwarding events. */
export function registerIpcTransport(options: IpcTransportOptions): () => void {
  const trusted = (event: IpcMainEvent | IpcMainInvokeEvent) => {
    const win = options.window();
    return (
      win !== undefined &&
      !win.isDestroyed() &&
      isTrustedSender(event.senderFrame, win.webContents.mainFrame, options.appUrl)
    );
  };

  // The window queues files by handle only; the paths behind them stay here (electron/rpc/renderer-engine.ts).
  const handles = new PathHandles();
  const rpc = createRpcServer(rendererEngine(options.engine, handles), { log: options.log });
  ipcMain.handle(ipcChannels.registerFiles, (event, raw: unknown) => {
    if (!trusted(event)) return [];
    const paths = registrablePaths(raw);
    return paths ? paths.map((p) => handles.register(p)) : [];
  });
  rpc.serve(windowTransport(options, trusted));
  ipcMain.handle(ipcChannels.pickFolder, async (event) => {
    if (!trusted(event) || !options.pickFolder) return null;
    return options.pickFolder();
  });
  ipcMain.handle(ipcChannels.showInFolder, (event, raw: unknown) => {
    // Only an absolute local path: the file manager opens there and nothing is read or run.
    if (
      !trusted(event) ||
      !options.showInFolder ||
      typeof raw !== 'string' ||
      !isAbsolute(raw) ||
      raw.includes('\0') ||
      raw.length > 4096
    )
      return;
    options.showInFolder(raw);
  });
  ipcMain.handle(ipcChannels.openLogsFolder, (event) => {
    if (trusted(event)) options.openLogsFolder?.();
  });
  ipcMain.handle(ipcChannels.saveDiagnostics, async (event, raw: unknown) => {
    // A zip name, never a path: the main process finds it in the data folder itself.
    if (!trusted(event) || !options.saveDiagnostics || typeof raw !== 'string' || !diagnosticsZipName.test(raw))
      return null;
    return options.saveDiagnostics(raw);
  });

  return () => {
    rpc.close();
    ipcMain.removeHandler(ipcChannels.pickFolder);
    ipcMain.removeHandler(ipcChannels.showInFolder);
    ipcMain.removeHandler(ipcChannels.registerFiles);
    ipcMain.removeHandler(ipcChannels.openLogsFolder);
    ipcMain.removeHandler(ipcChannels.saveDiagnostics);
  };
}
