// The Electron transport: the preload's frozen window.hoist (electron/preload). It returns raw
// responses so error codes survive contextBridge; here they become results or RpcCallErrors.
import type { CommandName, CommandParams, CommandResult, EngineClient, EventName, EventPayload, RpcResponse } from '../../../electron/common/contract.js';
import type { Connection } from './connection.js';
import { RpcCallError } from './errors.js';

/** window.hoist as the preload exposes it (same shape as HoistBridge in electron/preload). */
export interface HoistBridge {
  call(command: CommandName, params: unknown): Promise<RpcResponse>;
  on(event: EventName, listener: (payload: unknown) => void): () => void;
  pathForFile(file: File): string;
  pickFolder(): Promise<string | null>;
  showInFolder(path: string): void;
}

export function hoistBridge(): HoistBridge | undefined {
  const candidate = (window as { hoist?: unknown }).hoist;
  return typeof candidate === 'object' && candidate !== null && 'call' in candidate ? (candidate as HoistBridge) : undefined;
}

export function createBridgeConnection(bridge: HoistBridge): Connection {
  const client: EngineClient = {
    async call<C extends CommandName>(command: C, params: CommandParams<C>): Promise<CommandResult<C>> {
      const response = await bridge.call(command, params);
      if ('error' in response) throw new RpcCallError(response.error);
      return response.result as CommandResult<C>;
    },
    on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void) {
      return bridge.on(event, listener as (payload: unknown) => void);
    },
  };
  return {
    client,
    status: () => 'open',
    onStatus: () => () => {},
    drop: { kind: 'path', pathForFile: (file) => bridge.pathForFile(file) },
    pickFolder: () => bridge.pickFolder(),
    showInFolder: (path) => bridge.showInFolder(path),
    desktop: true,
    close: () => {},
  };
}
