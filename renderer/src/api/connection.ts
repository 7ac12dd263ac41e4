// What the UI holds: the EngineClient plus the transport's state and what it can do with local files.
import type { EngineClient } from '../../../electron/common/contract.js';

export type ConnectionStatus = 'connecting' | 'open' | 'reconnecting' | 'lost';

/** How dropped or chosen files become handles for transfers.add (the window never names a path). */
export type DropTarget =
  /** Electron: the main process keeps each File's path and hands back a handle. */
  | { kind: 'handles'; handlesFor(files: File[]): Promise<string[]> }
  /** A plain browser: the bytes are staged on the daemon first (POST /api/stage, with the token). */
  | { kind: 'stage'; token: string };

export interface Connection {
  client: EngineClient;
  status(): ConnectionStatus;
  onStatus(listener: (status: ConnectionStatus) => void): () => void;
  drop: DropTarget;
  /** The native folder picker, when the shell has one (Electron). */
  pickFolder?: () => Promise<string | null>;
  /** Opens the file manager at a local file, when the shell can (Electron). */
  showInFolder?: (path: string) => void;
  /** Opens the file manager at the logs folder, when the shell can (Electron). */
  openLogsFolder?: () => void;
  /** Saves a diagnostics zip through the native save dialog (Electron); the saved path, or null when cancelled. */
  saveDiagnostics?: (name: string) => Promise<string | null>;
  /** True in the desktop app (start-at-login means something there). */
  desktop: boolean;
  close(): void;
}
