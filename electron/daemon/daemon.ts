// The headless daemon's core: one node:http server on 127.0.0.1 that serves the built renderer, the
// staging endpoint and a WebSocket speaking the same RPC contract (same RPC server) as Electron IPC.
// Every request needs a Host of 127.0.0.1:<port> or localhost:<port>; the WebSocket (token as a
// subprotocol) and staging POSTs (token as a Bearer header) also need the token and our own Origin.
// The window's static files need no token. Refusals are bare 400/403s. See README "Headless mode security".
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { CommandParams, EngineApi, EngineEventSource } from '../common/contract.js';
import { createJsonEncoder } from '../common/rpc/transport.js';
import { stderrLog, type RpcLog } from '../rpc/log.js';
import { createRpcServer } from '../rpc/server.js';
import { PathHandles } from '../rpc/path-handles.js';
import { rendererEngine } from '../rpc/renderer-engine.js';
import { headlessUrl, rpcSubprotocol } from '../common/headless-token.js';
import {
  bearerAuthorised,
  hostAllowed,
  newToken,
  originAllowed,
  queryCarriesToken,
  queryTokenMessage,
  securityHeaders,
  socketAuthorised,
} from './security.js';
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
  /** http://127.0.0.1:<port>/#token=… — the page keeps the token from the fragment in session storage. */
  url: string;
  port: number;
  close(): Promise<void>;
}

const DEFAULT_MAX_BATCH_BYTES = 32 * 1024 ** 3;

function refuse(res: ServerResponse, status: 400 | 403 | 404 | 405 | 409 | 500, message?: string): void {
  res
    .writeHead(status, { ...securityHeaders, 'Content-Type': 'text/plain; charset=utf-8' })
    .end(message ?? (status === 403 ? 'Forbidden' : 'Refused'));
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
  // The window queues staged drops by handle, never by path (electron/rpc/renderer-engine.ts).
  const handles = new PathHandles();
  const engineApi: EngineApi = Object.assign(Object.create(options.engine) as EngineApi, {
    'transfers.clearHistory': async (params: CommandParams<'transfers.clearHistory'>) => {
      const result = await options.engine['transfers.clearHistory'](params);
      await sweep();
      return result;
    },
  });
  const rpc = createRpcServer(rendererEngine(Object.assign(engineApi, { events: options.engine.events }), handles), {
    log: options.log,
  });
  const encode = createJsonEncoder(); // shared: an event is encoded once for every window
  let port = 0;

  /** The URL as the request named it when its Host is ours; undefined otherwise. */
  function admit(req: IncomingMessage): URL | undefined {
    if (!hostAllowed(req, port)) return undefined;
    try {
      return new URL(req.url ?? '/', `http://${req.headers.host}`);
    } catch {
      return undefined;
    }
  }

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = admit(req);
    if (!url) return refuse(res, 403);
    if (queryCarriesToken(url)) return refuse(res, 400, queryTokenMessage);

    if (url.pathname === '/api/stage') {
      if (req.method !== 'POST') return refuse(res, 405);
      // A form or fetch from another page can send neither our Origin nor the token's header.
      if (!originAllowed(req, port) || !bearerAuthorised(req, token)) return refuse(res, 403);
      try {
        const staged = await stageUpload(options.stagingDir, url, req, budget);
        const reply = { ...staged, handle: handles.register(staged.root) };
        res.writeHead(201, { ...securityHeaders, 'Content-Type': 'application/json' }).end(JSON.stringify(reply));
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
      // "Save diagnostics" in a browser: the zip diagnostics.create just wrote. The page fetches it with its
      // token as a Bearer header (which another page cannot send without a CORS preflight we never answer).
      if (!bearerAuthorised(req, token)) return refuse(res, 403);
      const name = url.pathname.slice('/api/diagnostics/'.length);
      return serveDownload(options.diagnosticsFile?.(name), name, req, res);
    }
    // The window's own files hold no secret: served without the token (it is in the page's fragment).
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

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: options.maxPayload ?? 1024 * 1024,
    // Answer with our protocol only: the token's subprotocol is never echoed back.
    handleProtocols: (offered) => (offered.has(rpcSubprotocol) ? rpcSubprotocol : false),
  });

  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    const url = admit(req);
    if (!url || url.pathname !== '/rpc' || queryCarriesToken(url)) return refuseUpgrade(socket, 403);
    if (!originAllowed(req, port) || !socketAuthorised(req, token)) return refuseUpgrade(socket, 403);
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
    url: headlessUrl(`http://${host}:${port}`, token),
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
