// The control socket: the same RPC contract as the window, as newline-delimited JSON over a local
// socket, so `hoist status|pause|resume|cancel` can steer a running instance. Every line goes
// through the dispatcher, which validates it like any other transport.
import { chmodSync, rmSync } from 'node:fs';
import net from 'node:net';
import type { Dispatch } from '../dispatch.js';
import { fanOutEvents, type EngineEventSource } from '../events.js';
import type { RpcLog } from '../log.js';

/** Lines longer than this are refused: no command needs more, and memory stays bounded. */
const maxLineBytes = 1024 * 1024;

export interface ControlSocket {
  path: string;
  close(): Promise<void>;
}

export async function serveControlSocket(socketPath: string, dispatch: Dispatch, events: EngineEventSource, log?: RpcLog): Promise<ControlSocket> {
  if (process.platform !== 'win32') rmSync(socketPath, { force: true }); // a stale socket from a crash
  const server = net.createServer((socket) => {
    socket.setEncoding('utf8');
    let buffer = '';
    const send = (message: unknown) => {
      if (!socket.destroyed) socket.write(`${JSON.stringify(message)}\n`);
    };
    const stopEvents = fanOutEvents(events, send, log);
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      if (buffer.length > maxLineBytes && !buffer.includes('\n')) {
        socket.destroy();
        return;
      }
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        let raw: unknown;
        try {
          raw = JSON.parse(line);
        } catch {
          send({ id: -1, error: { code: 'invalid_request', message: 'not JSON' } });
          continue;
        }
        void dispatch(raw).then(send);
      }
    });
    socket.on('close', stopEvents);
    socket.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });
  if (process.platform !== 'win32') chmodSync(socketPath, 0o600);
  return {
    path: socketPath,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        if (process.platform !== 'win32') rmSync(socketPath, { force: true });
      }),
  };
}
