// The control socket: the same RPC contract as the window, as newline-delimited JSON over a local
// socket, so `hoist status|pause|resume|cancel` can steer a running instance. Every line goes to the
// RPC server (electron/rpc/server.ts), which validates it like any other transport's.
import { chmodSync, rmSync } from 'node:fs';
import net from 'node:net';
import { createJsonEncoder } from '../../common/rpc/transport.js';
import type { RpcServer } from '../server.js';
import { lineTransport } from './lines.js';

/** Lines longer than this are refused: no command needs more, and memory stays bounded. */
const maxLineBytes = 1024 * 1024;

export interface ControlSocket {
  path: string;
  close(): Promise<void>;
}

export async function serveControlSocket(socketPath: string, rpc: RpcServer): Promise<ControlSocket> {
  if (process.platform !== 'win32') rmSync(socketPath, { force: true }); // a stale socket from a crash
  const encode = createJsonEncoder();
  const server = net.createServer((socket) => {
    socket.on('error', () => socket.destroy());
    rpc.serve(lineTransport(socket, { maxLineBytes, encode }));
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
