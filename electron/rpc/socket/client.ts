// The command line's side of the control socket: the generic RPC client over a line transport.
import net from 'node:net';
import { createRpcClient, type RpcClient } from '../../common/rpc/client.js';
import { lineTransport } from './lines.js';

export type ControlClient = RpcClient;

/** Connects, or rejects with ECONNREFUSED/ENOENT when no instance is listening. */
export function connectControlSocket(socketPath: string): Promise<ControlClient> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(socketPath);
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.off('error', reject);
      socket.on('error', () => {});
      resolve(
        createRpcClient(lineTransport(socket), {
          checkResults: true,
          disconnectedMessage: 'The running Hoist closed the connection.',
        }),
      );
    });
  });
}
