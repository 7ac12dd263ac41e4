// The command line's side of the control socket: an EngineClient for a running instance.
import net from 'node:net';
import { commands, type CommandName, type CommandParams, type CommandResult, type EngineClient, type EventName, type EventPayload, type RpcError } from '../../common/contract.js';

export class RpcCallError extends Error {
  override readonly name = 'RpcCallError';
  constructor(readonly error: RpcError) {
    super(error.detail ? `${error.message}: ${error.detail}` : error.message);
  }
}

export interface ControlClient extends EngineClient {
  close(): void;
}

/** Connects, or rejects with ECONNREFUSED/ENOENT when no instance is listening. */
export function connectControlSocket(socketPath: string): Promise<ControlClient> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(socketPath);
    socket.setEncoding('utf8');
    let nextId = 1;
    let buffer = '';
    const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; command: CommandName }>();
    const listeners = new Map<string, Set<(payload: unknown) => void>>();

    socket.on('data', (chunk: string) => {
      buffer += chunk;
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const message = JSON.parse(buffer.slice(0, newline)) as { id?: number; result?: unknown; error?: RpcError; event?: string; payload?: unknown };
        buffer = buffer.slice(newline + 1);
        if (message.event) for (const l of listeners.get(message.event) ?? []) l(message.payload);
        else if (message.id !== undefined && pending.has(message.id)) {
          const call = pending.get(message.id)!;
          pending.delete(message.id);
          if (message.error) call.reject(new RpcCallError(message.error));
          else call.resolve(commands[call.command].result.parse(message.result));
        }
      }
    });
    socket.once('error', reject);
    socket.on('close', () => {
      for (const call of pending.values()) call.reject(new Error('The running Hoist closed the connection.'));
      pending.clear();
    });
    socket.once('connect', () => {
      socket.off('error', reject);
      socket.on('error', () => {});
      resolve({
        call<C extends CommandName>(command: C, params: CommandParams<C>): Promise<CommandResult<C>> {
          const id = nextId++;
          return new Promise((res, rej) => {
            pending.set(id, { resolve: res as (v: unknown) => void, reject: rej, command });
            socket.write(`${JSON.stringify({ id, command, params })}\n`);
          });
        },
        on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void) {
          let set = listeners.get(event);
          if (!set) listeners.set(event, (set = new Set()));
          set.add(listener as (payload: unknown) => void);
          return () => set.delete(listener as (payload: unknown) => void);
        },
        close: () => socket.end(),
      });
    });
  });
}
