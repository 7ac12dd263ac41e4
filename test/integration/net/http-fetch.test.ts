// The broker's fetch over node:http answers what callers read of a Response (status, headers.get,
// json, text) without fetch's globals, and refuses what a Response would refuse.
import { Agent, createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchWith } from '../../../electron/engine/net/http-fetch.js';

let server: Server;
let base: URL;
const agent = new Agent({ keepAlive: true });

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/json') {
      res.setHeader('Set-Cookie', ['a=1', 'b=2']);
      res.setHeader('Retry-After', '7');
      res.writeHead(201, { 'Content-Type': 'application/json' }).end('{"ok":true,"name":"Zoë"}');
    } else if (req.url === '/empty') res.writeHead(204).end();
    else if (req.url === '/odd') res.writeHead(600).end();
    else res.writeHead(404).end('not here');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
afterAll(async () => {
  agent.destroy();
  await new Promise((resolve) => server.close(resolve));
});

describe('fetchWith', () => {
  it('answers the status, headers as Headers.get reads them, and the body as JSON', async () => {
    const answer = await fetchWith(agent, new URL('/json', base), { method: 'POST', headers: {}, body: '{}' });
    expect(answer.status).toBe(201);
    expect(answer.headers.get('retry-after')).toBe('7');
    expect(answer.headers.get('Set-Cookie')).toBe('a=1, b=2');
    expect(answer.headers.get('x-missing')).toBeNull();
    expect(await answer.json()).toEqual({ ok: true, name: 'Zoë' });
  });

  it('answers text, and refuses JSON that is not there', async () => {
    const missing = await fetchWith(agent, new URL('/nothing', base), { method: 'GET', headers: {} });
    expect(missing.status).toBe(404);
    expect(await missing.text()).toBe('not here');
    const empty = await fetchWith(agent, new URL('/empty', base), { method: 'GET', headers: {} });
    expect(empty.status).toBe(204);
    await expect(empty.json()).rejects.toThrow();
  });

  it('refuses a status outside 200–599 as a Response would', async () => {
    await expect(fetchWith(agent, new URL('/odd', base), { method: 'GET', headers: {} })).rejects.toThrow(RangeError);
  });
});
