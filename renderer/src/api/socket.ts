// The headless transport: the daemon's WebSocket (electron/daemon), same contract and envelope as IPC.
// Reconnects with backoff; calls made while disconnected wait for the next connection, and calls in
// flight when it drops fail with code "disconnected" (the engine may or may not have run them).
import type { CommandName, CommandParams, CommandResult, EngineClient, EventName, EventPayload, RpcEvent, RpcResponse } from '../../../electron/common/contract.js';
import type { Connection, ConnectionStatus } from './connection.js';
import { RpcCallError } from './errors.js';
import { Listeners } from './events.js';

/** After this many failed attempts in a row the UI says the daemon is gone (it keeps trying). */
const attemptsBeforeLost = 4;

export function createSocketConnection(url: string): Connection {
  const events = new Listeners();
  const statusListeners = new Set<(status: ConnectionStatus) => void>();
  const pending = new Map<number, { resolve(value: unknown): void; reject(err: Error): void }>();
  let status: ConnectionStatus = 'connecting';
  let socket: WebSocket | undefined;
  let failures = 0;
  let nextId = 1;
  let closed = false;
  let waiters: (() => void)[] = [];

  function setStatus(next: ConnectionStatus) {
    if (next === status) return;
    status = next;
    statusListeners.forEach((l) => l(next));
  }

  function open() {
    const ws = new WebSocket(url);
    socket = ws;
    ws.onopen = () => {
      failures = 0;
      setStatus('open');
      const ready = waiters;
      waiters = [];
      ready.forEach((w) => w());
    };
    ws.onmessage = (message) => {
      let data: RpcResponse | RpcEvent;
      try {
        data = JSON.parse(String(message.data)) as RpcResponse | RpcEvent;
      } catch {
        return;
      }
      if ('event' in data) return events.emit(data.event, data.payload);
      const call = pending.get(data.id);
      if (!call) return;
      pending.delete(data.id);
      if ('error' in data) call.reject(new RpcCallError(data.error));
      else call.resolve(data.result);
    };
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = undefined;
      for (const call of pending.values()) call.reject(new RpcCallError({ code: 'disconnected', message: 'Lost the connection to Hoist.' }));
      pending.clear();
      if (closed) return;
      failures++;
      setStatus(failures >= attemptsBeforeLost ? 'lost' : 'reconnecting');
      setTimeout(open, Math.min(500 * 2 ** Math.min(failures, 4), 8000));
    };
  }

  function whenOpen(): Promise<void> {
    if (socket?.readyState === WebSocket.OPEN) return Promise.resolve();
    return new Promise((resolve) => waiters.push(resolve));
  }

  const client: EngineClient = {
    async call<C extends CommandName>(command: C, params: CommandParams<C>): Promise<CommandResult<C>> {
      await whenOpen();
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
        socket!.send(JSON.stringify({ id, command, params }));
      });
    },
    on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void) {
      return events.add(event, listener as (payload: unknown) => void);
    },
  };

  open();
  return {
    client,
    status: () => status,
    onStatus(listener) {
      statusListeners.add(listener);
      return () => void statusListeners.delete(listener);
    },
    drop: { kind: 'stage' },
    desktop: false,
    close() {
      closed = true;
      socket?.close();
    },
  };
}
