// The headless daemon's core: one node:http server on 127.0.0.1 that serves the built renderer, the
// staging endpoint and a WebSocket speaking the same RPC contract (same RPC server) as Electron IPC.
// Every request needs the token and a Host of 127.0.0.1:<port> or localhost:<port>; the WebSocket and
// POSTs also need our own Origin. Refusals are bare 400/403s. See README "Headless mode security".
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { CommandParams, EngineApi, EngineEventSource } from '../common/contract.js';
import { createJsonEncoder } from '../common/rpc/transport.js';
import { stderrLog, type RpcLog } from '../rpc/log.js';
import { createRpcServer } from '../rpc/server.js';
import { authorised, hostAllowed, newToken, originAllowed, securityHeaders, tokenCookie } from './security.js';
import { serveDownload, serveStatic } from './static.js';
import { StageError, StageTooLargeError, StagingBudget, stageUpload } from './stage.js';
import { cleanStagedCopies } from './stage-cleanup.js';
import { sweepStaging } from './stage-sweep.js';
import { webSocketTransport } from './ws-transport.js';

export interface DaemonOptions {
  engine: EngineApi & { events: EngineEventSource };
  /** 0 picks a free port. */
  port: number;
  /** Loopback only; anything else is refused (the UI must never be reachable from the network). */
  host?: '127.0.0.1';
  /** The built renderer (renderer/dist). */
  rendererDir: string;
  /** Where files dropped into a plain browser are staged before transfers.add. */
  stagingDir: string;
  /** Where dropped events and contract violations are reported (default: stderr). */
  log?: RpcLog;
  /** Largest WebSocket message accepted; bigger ones close the socket (default 1 MiB). */
  maxPayload?: number;
  /** Fixed token (tests); a fresh random 32-byte one by default. */
  token?: string;
  /** Most bytes one drop (staging batch) may hold; more is refused with 413 (default 32 GiB). */
  maxBatchBytes?: number;
  /** Where a diagnostics zip the engine wrote lives, from its name (undefined for any other name). */
  diagnosticsFile?: (name: string) => string | undefined;
}

export interface Daemon {
  /** http://127.0.0.1:<port>/?token=… — open it once; the page then authenticates with a cookie. */
  url: string;
  port: number;
  close(): Promise<void>;
}

const DEFAULT_MAX_BATCH_BYTES = 32 * 1024 ** 3;

function refuse(res: ServerResponse, status: 400 | 403 | 404 | 405 | 409 | 500): void {
  res
    .writeHead(status, { ...securityHeaders, 'Content-Type': 'text/plain' })
    .end(status === 403 ? 'Forbidden' : 'Refused');
}

function refuseUpgrade(socket: Duplex, status: 400 | 403): void {
  socket.end(
    `HTTP/1.1 ${status} ${status === 403 ? 'Forbidden' : 'Bad Request'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`,
  );
}

export async function startDaemon(options: DaemonOptions): Promise<Daemon> {
  const host = options.host ?? '127.0.0.1';
  if (host !== '127.0.0.1') throw new Error('The headless daemon binds 127.0.0.1 only.');
  const token = options.token ?? newToken();
  const budget = new StagingBudget(options.maxBatchBytes ?? DEFAULT_MAX_BATCH_BYTES);
  const sweep = (): Promise<void> =>
    sweepStaging(options.engine, options.stagingDir, budget).then(
      () => undefined,
      (err: unknown) =>
        (options.log ?? stderrLog).error(`staging sweep failed: ${err instanceof Error ? err.message : String(err)}`),
    );
  // Clear finished also clears out abandoned staged copies.
  const engineApi: EngineApi = Object.assign(Object.create(options.engine) as EngineApi, {
    'transfers.clearHistory': async (params: CommandParams<'transfers.clearHistory'>) => {
      const result = await options.engine['transfers.clearHistory'](params);
      await sweep();
      return result;
    },
  });
  const rpc = createRpcServer(Object.assign(engineApi, { events: options.engine.events }), { log: options.log });
  const encode = createJsonEncoder(); // shared: an event is encoded once for every window
  let port = 0;

  /** The URL as the request named it, or undefined (with the response sent) when refused. */
  function admit(req: IncomingMessage): URL | undefined {
    if (!hostAllowed(req, port)) return undefined;
    let url: URL;
    try {
      url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    } catch {
      return undefined;
    }
    return authorised(req, url, port, token) ? url : undefined;
  }

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = admit(req);
    if (!url) return refuse(res, 403);

    if (url.pathname === '/api/stage') {
      if (req.method !== 'POST') return refuse(res, 405);
      // SameSite=Strict already keeps other sites' forms out; the Origin check makes that explicit.
      if (!originAllowed(req, port)) return refuse(res, 403);
      try {
        const staged = await stageUpload(options.stagingDir, url, req, budget);
        res.writeHead(201, { ...securityHeaders, 'Content-Type': 'application/json' }).end(JSON.stringify(staged));
      } catch (err) {
        if (res.headersSent) return;
        if (err instanceof StageTooLargeError) {
          // The rest of the body is not read: the connection closes after this answer.
          res
            .writeHead(413, { ...securityHeaders, 'Content-Type': 'application/json', Connection: 'close' })
            .end(JSON.stringify({ error: 'batch_too_large', maxBatchBytes: err.maxBatchBytes }));
          return;
        }
        refuse(res, err instanceof StageError ? 400 : 500);
      }
      return;
    }

    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405);
    for (const [name, value] of Object.entries(securityHeaders)) res.setHeader(name, value);
    if (url.pathname.startsWith('/api/diagnostics/')) {
      // "Save diagnostics" in a browser: the zip diagnostics.create just wrote, as a download.
      const name = url.pathname.slice('/api/diagnostics/'.length);
      return serveDownload(options.diagnosticsFile?.(name), name, req, res);
    }
    if (url.searchParams.has('token')) {
      // Swap the token in the address bar for a cookie, then drop it from the URL (history, screen).
      res.writeHead(303, { 'Set-Cookie': tokenCookie(port, token), Location: url.pathname }).end();
      return;
    }
    await serveStatic(options.rendererDir, url.pathname, req, res);
  }

  const server = createServer((req, res) => {
    onRequest(req, res).catch(() => {
      if (!res.headersSent) refuse(res, 500);
      else res.destroy();
    });
  });
  server.headersTimeout = 20_000;
  server.requestTimeout = 0; // staging streams may take as long as the disk needs

  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayload ?? 1024 * 1024 });

  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    const url = admit(req);
    if (!url) return refuseUpgrade(socket, 403);
    if (url.pathname !== '/rpc' || !originAllowed(req, port)) return refuseUpgrade(socket, 403);
    wss.handleUpgrade(req, socket, head, (ws) => serveSocket(ws));
  });

  function serveSocket(ws: WebSocket): void {
    ws.on('error', () => ws.terminate());
    rpc.serve(webSocketTransport(ws, encode));
  }

  const stopCleanup = cleanStagedCopies(options.engine.events, options.stagingDir);
  await sweep();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://${host}:${port}/?token=${token}`,
    port,
    async close() {
      rpc.close();
      stopCleanup();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
