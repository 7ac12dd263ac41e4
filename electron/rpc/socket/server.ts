// The control socket: the same RPC contract as the window, as newline-delimited JSON over a local
// socket, so `hoist status|pause|resume|cancel` can steer a running instance. A connection is served
// only after it presents this instance's secret (./handshake.ts, ./secret.ts); then every line goes to
// the RPC server (electron/rpc/server.ts), which validates it like any other transport's.
import { chmodSync, rmSync } from 'node:fs';
import net from 'node:net';
import { createJsonEncoder } from '../../common/rpc/transport.js';
import type { RpcServer } from '../server.js';
import { parseLine, readFirstLine, unauthorized, welcome } from './handshake.js';
import { lineTransport } from './lines.js';
import { newControlSecret, secretMatches, writeControlFile } from './secret.js';
import { prepareControlSocketPath } from './path.js';

/** Lines longer than this are refused: no command needs more, and memory stays bounded. */
const maxLineBytes = 1024 * 1024;
/** A connection that says nothing is dropped rather than held open. */
const helloTimeoutMs = 10_000;

export interface ControlSocket {
  path: string;
  /** The control file (socket path and secret) the command line reads. */
  controlFile: string;
  close(): Promise<void>;
}

export async function serveControlSocket(dataDir: string, rpc: RpcServer): Promise<ControlSocket> {
  const socketPath = prepareControlSocketPath(dataDir);
  const secret = newControlSecret();
  if (process.platform !== 'win32') rmSync(socketPath, { force: true }); // a stale socket from a crash
  const encode = createJsonEncoder();
  const server = net.createServer((socket) => {
    socket.on('error', () => socket.destroy());
    socket.setTimeout(helloTimeoutMs, () => socket.destroy());
    void readFirstLine(socket).then((line) => {
      const hello = parseLine(line) as { secret?: unknown } | undefined;
      if (!secretMatches(hello?.secret, secret)) {
        socket.end(`${JSON.stringify(unauthorized)}\n`);
        return;
      }
      socket.setTimeout(0);
      socket.write(`${JSON.stringify(welcome)}\n`);
      rpc.serve(lineTransport(socket, { maxLineBytes, encode }));
      socket.resume();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });
  if (process.platform !== 'win32') chmodSync(socketPath, 0o600);
  let controlFile: string;
  try {
    controlFile = writeControlFile(dataDir, { socket: socketPath, secret });
  } catch (error) {
    server.close();
    throw error;
  }
  return {
    path: socketPath,
    controlFile,
    close: () =>
      new Promise<void>((resolve) => {
        rmSync(controlFile, { force: true });
        server.close(() => resolve());
        if (process.platform !== 'win32') rmSync(socketPath, { force: true });
      }),
  };
}
