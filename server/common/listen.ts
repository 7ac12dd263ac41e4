// How the local stack's servers (the local cloud, the broker, the OpenID provider) listen: plain HTTP,
// or HTTPS with the given key and certificate (server/common/tls-ca.ts), and the URL they answer on.
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerOptions,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

export interface TlsOptions {
  key: string;
  cert: string;
}

/** An http.Server, or an https.Server (same events and API) when `tls` is given. */
export function createWebServer(
  tls: TlsOptions | undefined,
  options: ServerOptions,
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Server {
  return tls
    ? createHttpsServer({ ...options, key: tls.key, cert: tls.cert }, handler)
    : createHttpServer(options, handler);
}

/** Listens on host:port (0: any free port) and answers the server's base URL, without a trailing slash. */
export function listen(server: Server, port: number, host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address() as AddressInfo;
      const shown =
        address.family === 'IPv6' || address.address.includes(':') ? `[${address.address}]` : address.address;
      const secure = 'setSecureContext' in server;
      resolve(`${secure ? 'https' : 'http'}://${shown}:${address.port}`);
    });
  });
}
