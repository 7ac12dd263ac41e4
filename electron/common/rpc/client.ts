// The generic RPC client: an EngineClient over any MessageTransport. It numbers requests, matches
// replies to them, turns error replies into RpcCallError and hands pushed events to their listeners.
// Used by the command line (control socket) and the window (WebSocket or Electron IPC).
import {
  commands,
  type CommandName,
  type CommandParams,
  type CommandResult,
  type EngineClient,
  type EventName,
  type EventPayload,
  type RpcError,
} from '../contract.js';
import { RpcCallError } from './errors.js';
import { Listeners } from './listeners.js';
import type { MessageTransport } from './transport.js';

export interface RpcClient extends EngineClient {
  close(): void;
}

export interface RpcClientOptions {
  /** Parse results against the contract (the command line prints them; the window trusts its engine). */
  checkResults?: boolean;
  /** What a call in flight fails with when the connection drops. */
  disconnectedMessage?: string;
}

interface PendingCall {
  command: CommandName;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

type Incoming = { id?: unknown; result?: unknown; error?: RpcError; event?: unknown; payload?: unknown };

export function createRpcClient(transport: MessageTransport, options: RpcClientOptions = {}): RpcClient {
  const listeners = new Listeners();
  const pending = new Map<number, PendingCall>();
  let nextId = 1;

  function settle(call: PendingCall, message: Incoming): void {
    if (message.error) return call.reject(new RpcCallError(message.error));
    if (!options.checkResults) return call.resolve(message.result);
    try {
      call.resolve(commands[call.command].result.parse(message.result));
    } catch (error) {
      call.reject(error as Error);
    }
  }

  transport.receive({
    message(raw) {
      if (typeof raw !== 'object' || raw === null) return;
      const message = raw as Incoming;
      if (typeof message.event === 'string') return listeners.emit(message.event as EventName, message.payload);
      const call = typeof message.id === 'number' ? pending.get(message.id) : undefined;
      if (!call) return;
      pending.delete(message.id as number);
      settle(call, message);
    },
    closed() {
      const lost = new RpcCallError({
        code: 'disconnected',
        message: options.disconnectedMessage ?? 'Lost the connection to Hoist.',
      });
      for (const call of pending.values()) call.reject(lost);
      pending.clear();
    },
  });

  return {
    call<C extends CommandName>(command: C, params: CommandParams<C>): Promise<CommandResult<C>> {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { command, resolve: resolve as (value: unknown) => void, reject });
        transport.send({ id, command, params });
      });
    },
    on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void) {
      return listeners.add(event, listener as (payload: unknown) => void);
    },
    close: () => transport.close(),
  };
}
