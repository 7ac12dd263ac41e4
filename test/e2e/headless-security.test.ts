// The headless daemon refuses what a foreign page or another local client could try
// (docs/ARCHITECTURE.md, style rule 11):
// no token or a wrong one, a foreign Host (DNS rebinding), a WebSocket from a foreign Origin, oversized
// frames, path tricks on the staging endpoint; and the page it serves carries the strict CSP.
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
  token = new URL(daemon.url).searchParams.get('token')!;
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

function openSocket(headers: Record<string, string>, query = ''): Promise<{ ws?: WebSocket; status?: number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${daemon.port}/rpc${query}`, { headers });
    ws.once('open', () => resolve({ ws }));
    ws.once('unexpected-response', (_req, res) => resolve({ status: res.statusCode }));
    ws.once('error', () => resolve({}));
  });
}

describe('headless daemon security', () => {
  it('binds 127.0.0.1 and hands out a URL with a 32-byte token', () => {
    expect(daemon.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43}$/);
  });

  it('refuses requests with no token or a wrong one, with no detail', async () => {
    for (const attempt of ['/', '/index.html', '/?token=', `/?token=${'A'.repeat(43)}`, `/?token=${token}x`]) {
      const res = await raw(attempt);
      expect(res.status, attempt).toBe(403);
      expect(res.body).toBe('Forbidden');
    }
    expect((await raw('/', { cookie: `hoist-${daemon.port}=${'B'.repeat(43)}` })).status).toBe(403);
    expect((await raw('/', { authorization: 'Bearer nope' })).status).toBe(403);
  });

  it('swaps the URL token for an HttpOnly SameSite=Strict cookie, which then opens the page', async () => {
    const first = await raw(`/?token=${token}`);
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe('/');
    const cookie = String(first.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const page = await raw('/', { cookie: cookie.split(';')[0]! });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>Hoist</title>');
  });

  it('refuses a foreign Host header even with the right token (DNS rebinding)', async () => {
    for (const host of [
      'evil.example',
      `evil.example:${daemon.port}`,
      '127.0.0.1',
      `127.0.0.1:${daemon.port + 1}`,
      `0.0.0.0:${daemon.port}`,
    ]) {
      expect((await raw(`/?token=${token}`, { host })).status, host).toBe(403);
    }
    expect((await raw(`/?token=${token}`, { host: `localhost:${daemon.port}` })).status).toBe(303);
  });

  it('refuses WebSockets without the token, with a foreign Origin or with no Origin', async () => {
    const cookie = `hoist-${daemon.port}=${token}`;
    expect((await openSocket({ origin })).status).toBe(403);
    expect((await openSocket({ origin: 'http://evil.example', cookie })).status).toBe(403);
    expect((await openSocket({ origin: `http://localhost:${daemon.port + 1}`, cookie })).status).toBe(403);
    expect((await openSocket({ cookie })).status).toBe(403);
    const good = await openSocket({ origin, cookie });
    expect(good.ws).toBeDefined();
    good.ws?.close();
  });

  it('answers RPC over the socket with the dispatcher, and closes the socket on an oversized frame', async () => {
    const { ws } = await openSocket({ origin, cookie: `hoist-${daemon.port}=${token}` });
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
    const res = await raw('/', { authorization: `Bearer ${token}` });
    expect(res.headers['content-security-policy']).toBe(contentSecurityPolicy);
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(
      await readFile('renderer/index.html', 'utf8'),
    )?.[1];
    expect(meta).toBe(pagePolicy);
    expect(contentSecurityPolicy).toBe(`${pagePolicy}; frame-ancestors 'none'`);
  });

  it('refuses the socket to another local page, even though the browser holds our cookie', async () => {
    // Cookies are shared by every port of 127.0.0.1, so a page served from another local port is
    // "same-site" and carries our cookie: only the Origin check stands between it and the engine.
    const foreign = createServer((_req, res) =>
      res.writeHead(200, { 'Content-Type': 'text/html' }).end('<title>foreign</title>'),
    );
    await new Promise<void>((resolve) => foreign.listen(0, '127.0.0.1', resolve));
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await page.goto(daemon.url); // the user opened Hoist: the browser now holds the cookie
      await page.getByRole('heading', { name: 'Hoist' }).waitFor();
      await page.goto(`http://127.0.0.1:${(foreign.address() as AddressInfo).port}/`);
      const callsBefore = recorder.calls.length; // Hoist's own page made its calls; the foreign one may not
      // A string, not a function: the test file's own imports must not leak into the page.
      const result = await page.evaluate(`(async () => {
        const socket = await new Promise((resolve) => {
          const ws = new WebSocket('ws://127.0.0.1:${daemon.port}/rpc');
          ws.onopen = () => resolve('open');
          ws.onerror = () => resolve('refused');
        });
        const fetched = await fetch('http://127.0.0.1:${daemon.port}/').then((r) => 'status ' + r.status, () => 'blocked');
        return { socket, fetched };
      })()`);
      expect(result).toEqual({ socket: 'refused', fetched: 'blocked' });
      expect(recorder.calls.length).toBe(callsBefore);
    } finally {
      await context.close();
      foreign.close();
    }
  });

  it('opens the real page in Chromium through the token URL with the CSP in force', async () => {
    const page = await browser.newPage();
    try {
      const response = await page.goto(daemon.url);
      expect(page.url()).toBe(`${origin}/`);
      expect(response?.headers()['content-security-policy']).toBe(contentSecurityPolicy);
      await expect.poll(() => page.title()).toBe('Hoist');
    } finally {
      await page.close();
    }
  });
});
