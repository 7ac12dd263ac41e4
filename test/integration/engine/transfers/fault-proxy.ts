// A fault-injecting HTTP proxy in front of the real local cloud (it forwards bytes unchanged, so
// signatures stay valid): answer the next requests with an S3 error, reset connections mid-body,
// or stop listening altogether (the network is gone) and come back on the same port.
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface FaultProxy {
  url: string;
  /** The next `count` requests whose S3 operation matches get `status` with error `code`. */
  failNext(count: number, status: number, code: string, match?: (req: IncomingMessage) => boolean): void;
  /** The next `count` matching requests have their connection cut after the headers. */
  resetNext(count: number, match?: (req: IncomingMessage) => boolean): void;
  /** The next `count` matching requests are swallowed: nothing is read or answered (a stalled socket). */
  stallNext(count: number, match?: (req: IncomingMessage) => boolean): void;
  /** Faults not yet triggered. */
  pending(): number;
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

export const isUploadPart = (req: IncomingMessage): boolean => req.method === 'PUT' && (req.url ?? '').includes('partNumber=');

export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  const target = new URL(upstream);
  const sockets = new Set<Socket>();
  const faults: Array<{ kind: 'fail' | 'reset' | 'stall'; status?: number; code?: string; match: (req: IncomingMessage) => boolean }> = [];
  let port = 0;
  let server: Server;

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const i = faults.findIndex((f) => f.match(req));
    const fault = i >= 0 ? faults.splice(i, 1)[0] : undefined;
    if (fault?.kind === 'stall') {
      req.pause();
      return;
    }
    if (fault?.kind === 'reset') {
      req.once('data', () => req.socket.destroy());
      return;
    }
    if (fault?.kind === 'fail') {
      req.resume();
      req.on('end', () => {
        res.writeHead(fault.status!, { 'content-type': 'application/xml' });
        res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${fault.code}</Code><Message>injected</Message><RequestId>x</RequestId></Error>`);
      });
      return;
    }
    const up = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (upRes) => {
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        upRes.pipe(res);
      },
    );
    up.on('error', () => res.destroy());
    req.pipe(up);
  };

  const listen = (): Promise<void> =>
    new Promise((resolve) => {
      server = createServer(handle);
      server.on('connection', (s) => {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
      });
      server.listen(port, '127.0.0.1', () => {
        port = (server.address() as { port: number }).port;
        resolve();
      });
    });

  const stop = (): Promise<void> =>
    new Promise((resolve) => {
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
    });

  await listen();
  return {
    url: `http://127.0.0.1:${port}`,
    failNext: (count, status, code, match = () => true) => {
      for (let n = 0; n < count; n++) faults.push({ kind: 'fail', status, code, match });
    },
    resetNext: (count, match = () => true) => {
      for (let n = 0; n < count; n++) faults.push({ kind: 'reset', match });
    },
    stallNext: (count, match = () => true) => {
      for (let n = 0; n < count; n++) faults.push({ kind: 'stall', match });
    },
    pending: () => faults.length,
    down: stop,
    up: listen,
    close: stop,
  };
}
