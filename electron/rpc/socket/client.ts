// The command line's side of the control socket: reads the running instance's control file (socket
// path and secret), presents the secret, then runs the generic RPC client over a line transport.
import net from 'node:net';
import { createRpcClient, type RpcClient } from '../../common/rpc/client.js';
import { RpcCallError } from '../../common/rpc/errors.js';
import { parseLine, readFirstLine, unauthorized } from './handshake.js';
import { lineTransport } from './lines.js';
import { readControlFile } from './secret.js';

export type ControlClient = RpcClient;

/** A Hoist runs on the data folder but refused us: the secret we read was not its own. */
export class RunningRefusedError extends Error {
  override readonly name = 'RunningRefusedError';
  constructor(dataDir: string) {
    super(
      `The Hoist running on ${dataDir} refused the connection: the secret in its control file (control.json) is not the one it expects. Restart that Hoist.`,
    );
  }
}

/** Connects to the Hoist running on `dataDir`; rejects (ENOENT, ECONNREFUSED) when none is. */
export async function connectControlSocket(dataDir: string): Promise<ControlClient> {
  const { socket: socketPath, secret } = readControlFile(dataDir);
  return connectWithSecret(socketPath, secret);
}

/** Connects to a control socket with the given secret (tests use it to present a wrong one). */
export function connectWithSecret(socketPath: string, secret: string): Promise<ControlClient> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(socketPath);
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.write(`${JSON.stringify({ secret })}\n`);
      void readFirstLine(socket).then((line) => {
        socket.off('error', reject);
        socket.on('error', () => {});
        if ((parseLine(line) as { welcome?: unknown } | undefined)?.welcome !== true) {
          socket.destroy();
          reject(new RpcCallError(unauthorized.error));
          return;
        }
        const client = createRpcClient(lineTransport(socket), {
          checkResults: true,
          disconnectedMessage: 'The running Hoist closed the connection.',
        });
        socket.resume();
        resolve(client);
      });
    });
  });
}
