// window.hoist: what the preload (electron/preload) exposes and the window (renderer/src/api/bridge.ts)
// uses. For RPC it is only a message transport, so the window runs the same generic client
// (./rpc/client.ts) over it as over the headless WebSocket.
import type { RpcRequest } from './contract.js';

export interface HoistBridge {
  /** Sends one request to the main process, which validates it against the contract. */
  send(message: RpcRequest): void;
  /** Every message the main process sends this window (replies and events); returns a function that stops. */
  onMessage(listener: (message: unknown) => void): () => void;
  /**
   * Handles for dropped or chosen Files, for transfers.add: the preload reads each File's path and the
   * main process keeps it, so the window never holds (or invents) a path. Files with no local path
   * (made by script) get none.
   */
  handlesForFiles(files: File[]): Promise<string[]>;
  /** The native folder picker; null when cancelled. */
  pickFolder(): Promise<string | null>;
  /** Opens the file manager with this file selected (a finished upload's source). */
  showInFolder(path: string): void;
  /** Opens the file manager at Hoist's logs folder. */
  openLogsFolder(): void;
  /**
   * Asks where to save the diagnostics zip `name` (from diagnostics.create) in a native dialog and copies
   * it there; resolves to the saved path, or null when cancelled.
   */
  saveDiagnostics(name: string): Promise<string | null>;
}
