// The headless daemon refuses what a foreign page or another local client could try
// (docs/ARCHITECTURE.md, style rule 11):
// no token or a wrong one, a token in the query, a foreign Host (DNS rebinding), a WebSocket from a
// foreign Origin (even with the token), oversized frames, path tricks on the staging endpoint; the token
// travels in the address's fragment and never in a cookie; the page it serves carries the strict CSP.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Browser } from 'playwright-core';
import { startDaemon, type Daemon } from '../../electron/daemon/daemon.js';
import { contentSecurityPolicy, pagePolicy } from '../../electron/daemon/security.js';
import { launchChromium } from '../support/browser.js';
import { socketProtocols, tokenOf } from '../support/headless-socket.js';
import { inertEngine } from './helpers/inert-engine.js';

let daemon: Daemon;
let browser: Browser;
let staging: string;
const recorder = inertEngine();
let token: string;
let origin: string;

beforeAll(async () => {
  staging = await mkdtemp(path.join(tmpdir(), 'hoist-stage-'));
  daemon = await startDaemon({
    engine: recorder.engine,
    port: 0,
    host: '127.0.0.1',
    rendererDir: path.resolve('renderer/dist'),
    stagingDir: staging,
  });
  // The daemon's own staging sweep at start lists transfers; what follows counts only what requests reach.
  recorder.calls.length = 0;
  token = tokenOf(daemon.url);
  origin = `http://127.0.0.1:${daemon.port}`;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await daemon?.close();
  await rm(staging, { recursive: true, force: true });
});

/** A raw HTTP request, so we can send any Host header we like. */
function raw(
  pathAndQuery: string,
  headers: Record<string, string> = {},
  method = 'GET',
  body?: string,
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: daemon.port,
        path: pathAndQuery,
        method,
        headers: { host: `127.0.0.1:${daemon.port}`, ...headers },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function openSocket(
  headers: Record<string, string>,
  protocols: string[] = [],
  query = '',
): Promise<{ ws?: WebSocket; status?: number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${daemon.port}/rpc${query}`, protocols, { headers });
    ws.once('open', () => resolve({ ws }));
    ws.once('unexpected-response', (_req, res) => resolve({ status: res.statusCode }));
    ws.once('error', () => resolve({}));
  });
}

describe('headless daemon security', () => {
  it('binds 127.0.0.1 and hands out a URL with a 32-byte token in its fragment', () => {
    expect(daemon.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]{43}$/);
  });

  it('serves the window (which holds no secret) without the token, and sets no cookie', async () => {
    const page = await raw('/');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>Hoist</title>');
    expect(page.headers['set-cookie']).toBeUndefined();
  });

  it('refuses a token in the query, with the reason, right or wrong', async () => {
    for (const attempt of [`/?token=${token}`, '/?token=', `/index.html?token=${'A'.repeat(43)}`]) {
      const res = await raw(attempt);
      expect(res.status, attempt).toBe(400);
      expect(res.body).toMatch(/comes after '#'/);
      expect(res.headers['set-cookie']).toBeUndefined();
    }
    expect((await openSocket({ origin }, [], `?token=${token}`)).status).toBe(403);
  });

  it('refuses the socket and staging without the token, with a wrong one, or with it somewhere else', async () => {
    expect((await openSocket({ origin })).status).toBe(403);
    expect((await openSocket({ origin }, ['hoist.rpc'])).status).toBe(403);
    expect((await openSocket({ origin }, socketProtocols('A'.repeat(43)))).status).toBe(403);
    expect((await openSocket({ origin }, socketProtocols(`${token}x`))).status).toBe(403);
    // The token alone, without our protocol; and as a cookie or a Bearer header (the socket takes neither).
    expect((await openSocket({ origin }, [`hoist.token.${token}`])).status).toBe(403);
    expect((await openSocket({ origin, cookie: `hoist-${daemon.port}=${token}` }, ['hoist.rpc'])).status).toBe(403);
    expect((await openSocket({ origin, authorization: `Bearer ${token}` }, ['hoist.rpc'])).status).toBe(403);
    const wrongAuth: Array<Record<string, string>> = [
      {},
      { authorization: 'Bearer nope' },
      { cookie: `hoist-${daemon.port}=${token}` },
    ];
    for (const auth of wrongAuth)
      expect((await raw('/api/stage?name=a.txt', { origin, ...auth }, 'POST', 'x')).status).toBe(403);
  });

  it('refuses a foreign Host header even with the right token (DNS rebinding)', async () => {
    for (const host of [
      'evil.example',
      `evil.example:${daemon.port}`,
      '127.0.0.1',
      `127.0.0.1:${daemon.port + 1}`,
      `0.0.0.0:${daemon.port}`,
    ]) {
      expect((await raw('/', { host })).status, host).toBe(403);
      expect((await openSocket({ host, origin: `http://${host}` }, socketProtocols(token))).status, host).toBe(403);
    }
    expect((await raw('/', { host: `localhost:${daemon.port}` })).status).toBe(200);
  });

  it('refuses WebSockets with the token but a foreign Origin or no Origin; answers only with our protocol', async () => {
    const protocols = socketProtocols(token);
    expect((await openSocket({ origin: 'http://evil.example' }, protocols)).status).toBe(403);
    expect((await openSocket({ origin: `http://localhost:${daemon.port + 1}` }, protocols)).status).toBe(403);
    expect((await openSocket({}, protocols)).status).toBe(403);
    const good = await openSocket({ origin }, protocols);
    expect(good.ws?.protocol).toBe('hoist.rpc'); // the token's subprotocol is never echoed back
    good.ws?.close();
  });

  it('answers RPC over the socket with the dispatcher, and closes the socket on an oversized frame', async () => {
    const { ws } = await openSocket({ origin }, socketProtocols(token));
    const reply = new Promise<unknown>((resolve) => ws!.once('message', (d) => resolve(JSON.parse(d.toString()))));
    ws!.send(JSON.stringify({ id: 1, command: 'constructor', params: {} }));
    expect(await reply).toEqual({ id: 1, error: { code: 'unknown_command', message: 'No such command.' } });
    const closed = new Promise<number>((resolve) => ws!.once('close', (code) => resolve(code)));
    ws!.send(JSON.stringify({ id: 2, command: 'transfers.add', params: { paths: ['x'.repeat(2 * 1024 * 1024)] } }));
    expect(await closed).toBe(1009);
    expect(recorder.calls).toEqual([]); // runs before any page of ours has loaded
  });

  it('stages browser drops only under the staging folder', async () => {
    const auth = { authorization: `Bearer ${token}`, origin };
    const ok = await raw('/api/stage?name=' + encodeURIComponent('../../etc/passwd'), auth, 'POST', 'hello');
    expect(ok.status).toBe(201);
    const staged = JSON.parse(ok.body) as { path: string; root: string; batch: string };
    expect(staged.path.startsWith(staging + path.sep)).toBe(true);
    expect(await readFile(staged.path, 'utf8')).toBe('hello');
    expect((await raw('/api/stage?name=a.txt&batch=../../x', auth, 'POST', 'x')).status).toBe(400);
    expect(
      (
        await raw(
          '/api/stage?name=a.txt',
          { authorization: `Bearer ${token}`, origin: 'http://evil.example' },
          'POST',
          'x',
        )
      ).status,
    ).toBe(403);
    expect((await raw('/api/stage?name=a.txt', { origin }, 'POST', 'x')).status).toBe(403);
  });

  it('serves the page with the strict CSP, which matches the meta tag', async () => {
    const res = await raw('/');
    expect(res.headers['content-security-policy']).toBe(contentSecurityPolicy);
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(
      await readFile('renderer/index.html', 'utf8'),
    )?.[1];
    expect(meta).toBe(pagePolicy);
    expect(contentSecurityPolicy).toBe(`${pagePolicy}; frame-ancestors 'none'`);
  });

  it('refuses the socket to a page on another local port, even one that knows the token', async () => {
    // Another server on 127.0.0.1 (a dev server, a notebook) is "same-site" with us. There is no cookie
    // for it to receive, and even a page holding the token is refused by the Origin check.
    const foreign = createServer((_req, res) =>
      res.writeHead(200, { 'Content-Type': 'text/html' }).end('<title>foreign</title>'),
    );
    const foreignRequests: string[] = [];
    foreign.on('request', (req) => foreignRequests.push(`${req.url} ${req.headers.cookie ?? ''}`));
    await new Promise<void>((resolve) => foreign.listen(0, '127.0.0.1', resolve));
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await page.goto(daemon.url); // the user opened Hoist in this browser
      await page.getByRole('heading', { name: 'Hoist' }).waitFor();
      await page.goto(`http://127.0.0.1:${(foreign.address() as AddressInfo).port}/`);
      expect(foreignRequests.join('\n')).not.toContain(token);
      const callsBefore = recorder.calls.length; // Hoist's own page made its calls; the foreign one may not
      // A string, not a function: the test file's own imports must not leak into the page.
      const result = await page.evaluate(`(async () => {
        const open = (protocols) => new Promise((resolve) => {
          const ws = new WebSocket('ws://127.0.0.1:${daemon.port}/rpc', protocols);
          ws.onopen = () => resolve('open');
          ws.onerror = () => resolve('refused');
        });
        const blind = await open([]);
        const withToken = await open(${JSON.stringify(socketProtocols(token))});
        const fetched = await fetch('http://127.0.0.1:${daemon.port}/').then((r) => 'status ' + r.status, () => 'blocked');
        return { blind, withToken, fetched };
      })()`);
      expect(result).toEqual({ blind: 'refused', withToken: 'refused', fetched: 'blocked' });
      expect(recorder.calls.length).toBe(callsBefore);
    } finally {
      await context.close();
      foreign.close();
    }
  });

  it('moves the token from the fragment into session storage, drops the fragment, and sets no cookie', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const sent: string[] = [];
    page.on('request', (req) => sent.push(`${req.url()} ${JSON.stringify(req.headers())}`));
    try {
      await page.goto(daemon.url);
      await page.getByRole('heading', { name: 'Hoist' }).waitFor();
      await expect.poll(() => page.url()).toBe(`${origin}/`);
      expect(await page.evaluate("sessionStorage.getItem('hoist-token')")).toBe(token);
      expect(await context.cookies()).toEqual([]);
      // No page request carried the token (the WebSocket's subprotocol is the one place it goes).
      expect(sent.filter((line) => line.includes(token))).toEqual([]);
      // A reload keeps working from session storage: the page reaches the engine again.
      const callsBefore = recorder.calls.length;
      await page.reload();
      await page.getByRole('heading', { name: 'Hoist' }).waitFor();
      await expect.poll(() => recorder.calls.length).toBeGreaterThan(callsBefore);
    } finally {
      await context.close();
    }
  });

  it('opens the real page in Chromium through the token URL with the CSP in force', async () => {
    const page = await browser.newPage();
    try {
      const response = await page.goto(daemon.url);
      await expect.poll(() => page.url()).toBe(`${origin}/`);
      expect(response?.headers()['content-security-policy']).toBe(contentSecurityPolicy);
      await expect.poll(() => page.title()).toBe('Hoist');
    } finally {
      await page.close();
    }
  });
});
