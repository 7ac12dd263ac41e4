// Reaching the headless daemon as its window does: the token from the address's fragment, offered on
// the WebSocket as a subprotocol with our Origin, and sent as a Bearer header on staging uploads.
import { request } from 'node:http';
import WebSocket from 'ws';
import { rpcSubprotocol, tokenSubprotocolPrefix } from '../../electron/common/headless-token.js';

/** The token in a daemon's address (`…/#token=…`). */
export function tokenOf(url: string | URL): string {
  const token = new URLSearchParams(new URL(url).hash.slice(1)).get('token');
  if (!token) throw new Error(`no token in the fragment of ${String(url)}`);
  return token;
}

/** The subprotocols a window offers for `token`. */
export function socketProtocols(token: string): string[] {
  return [rpcSubprotocol, `${tokenSubprotocolPrefix}${token}`];
}

/** Opens the daemon's WebSocket as its own window would; `frames` collects every message received. */
export function openDaemonSocket(port: number, token: string): Promise<{ ws: WebSocket; frames: unknown[] }> {
  const frames: unknown[] = [];
  const ws = new WebSocket(`ws://127.0.0.1:${port}/rpc`, socketProtocols(token), {
    headers: { origin: `http://127.0.0.1:${port}` },
  });
  ws.on('message', (data) => frames.push(JSON.parse(data.toString())));
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, frames }));
    ws.once('error', reject);
  });
}

/** 101 when the daemon accepts a WebSocket offering `protocols` with our Origin, else the refusal's status. */
export function socketStatus(port: number, protocols: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/rpc`, protocols, {
      headers: { origin: `http://127.0.0.1:${port}` },
    });
    ws.once('open', () => {
      ws.close();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('error', reject);
  });
}

/** Stages one file as the window does (POST /api/stage); resolves with the daemon's JSON answer. */
export function stageFile(
  port: number,
  token: string,
  name: string,
  body: Buffer | string,
  batch?: string,
): Promise<{ status: number; staged?: { batch: string; path: string; root: string; handle: string } }> {
  const query = new URLSearchParams({ name, ...(batch ? { batch } : {}) });
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: `/api/stage?${query.toString()}`,
        headers: { authorization: `Bearer ${token}`, origin: `http://127.0.0.1:${port}` },
      },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, ...(res.statusCode === 201 ? { staged: JSON.parse(text) } : {}) }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
