// server/broker/lambda.ts invoked the way AWS invokes it: with payload-2.0 events (the shape function URLs
// and API Gateway HTTP APIs share), configured only by environment variables, in the stateless mode. A small
// HTTP front turns a real browser sign-in's requests into such events, as API Gateway would, so the whole
// OpenID sign-in runs through the handler; refresh and errors are then invoked with hand-written events.
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { base64url } from 'jose';
import { handler, shutdown, type HttpEventV2 } from '../../../server/broker/lambda.js';
import { startLocalOidcProvider, type LocalOidcProvider } from '../../../server/local-stack/oidc-provider.js';
import { launchChromium } from '../../support/browser.js';
import { browserSignIn } from '../../support/oidc-login.js';
import { startCognitoOnly, tempDir, type CognitoOnly } from '../cognito/cloud.js';

const user = { username: 'mary', password: 'hidden figures' };
let provider: LocalOidcProvider;
let cognito: CognitoOnly;
let gateway: Server;
let gatewayUrl: string;
let browser: Browser;
let context: BrowserContext;
const savedEnv = { ...process.env };

/** A payload-2.0 event, as a function URL delivers it. */
function event(method: string, path: string, body?: unknown, extra: Partial<HttpEventV2> = {}): HttpEventV2 {
  return {
    rawPath: path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': '10.9.9.9' },
    ...(body === undefined ? {} : { body: JSON.stringify(body), isBase64Encoded: false }),
    requestContext: { http: { method, sourceIp: '203.0.113.7' } },
    ...extra,
  };
}

beforeAll(async () => {
  provider = await startLocalOidcProvider({ keyFile: join(tempDir('oidc'), 'keys.json'), users: [user] });
  cognito = await startCognitoOnly();
  Object.assign(process.env, {
    HOIST_REGION: cognito.settings.region,
    HOIST_IDENTITY_POOL_ID: cognito.settings.identityPoolId,
    HOIST_DEVELOPER_PROVIDER_NAME: cognito.settings.developerProviderName,
    HOIST_BUCKET: cognito.settings.bucket,
    HOIST_COGNITO_ENDPOINT: cognito.endpoint,
    // The SDK's standard chain: in AWS these come from the function's role.
    AWS_ACCESS_KEY_ID: cognito.credentials.developer.accessKeyId,
    AWS_SECRET_ACCESS_KEY: cognito.credentials.developer.secretAccessKey,
    HOIST_BROKER_SEAL_KEY: base64url.encode(randomBytes(32)),
    HOIST_OIDC_ISSUER: provider.issuer,
    HOIST_OIDC_CLIENT_ID: provider.publicClientId,
  });
  delete process.env.HOIST_BROKER_DB;
  // What API Gateway does: each HTTP request becomes one invocation.
  gateway = createServer((req, res) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const url = new URL(req.url ?? '/', 'http://gateway');
      const headers = Object.fromEntries(
        Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : v]),
      );
      const result = await handler({
        rawPath: url.pathname,
        rawQueryString: url.search.slice(1),
        headers,
        ...(chunks.length > 0 ? { body: Buffer.concat(chunks).toString('base64'), isBase64Encoded: true } : {}),
        requestContext: { http: { method: req.method ?? 'GET', sourceIp: req.socket.remoteAddress ?? '' } },
      });
      res.writeHead(result.statusCode, result.headers);
      res.end(result.body);
    })().catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
  gatewayUrl = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`;
  browser = await launchChromium();
  context = await browser.newContext();
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await new Promise<void>((resolve) => (gateway ? gateway.close(() => resolve()) : resolve()));
  await shutdown();
  await cognito?.close();
  await provider?.close();
  process.env = savedEnv;
});

it('answers health and sign-in-method events in the function-URL shape', async () => {
  const health = await handler(event('GET', '/healthz'));
  expect(health.statusCode).toBe(200);
  expect(JSON.parse(health.body)).toEqual({ status: 'ok' });
  const methods = await handler(event('GET', '/v1/sign-in-methods'));
  expect(JSON.parse(methods.body)).toMatchObject({
    password: false,
    oidc: { issuer: provider.issuer, clientId: provider.publicClientId },
  });
  expect(methods.headers['cache-control']).toBe('no-store');
});

it('signs a person in through the handler, then refreshes with the sealed token in a hand-written event', async () => {
  const session = await browserSignIn(context, gatewayUrl, user);
  expect(session.identityId).toMatch(/^us-east-1:/);
  const refreshed = await handler(event('POST', '/v1/sessions/refresh', { refreshToken: session.refreshToken }));
  expect(refreshed.statusCode).toBe(200);
  const next = JSON.parse(refreshed.body) as { identityId: string; refreshToken: string };
  expect(next.identityId).toBe(session.identityId);

  // A base64 body (as API Gateway sends binary-looking payloads) works the same.
  const encoded = await handler(
    event('POST', '/v1/sessions/refresh', undefined, {
      body: Buffer.from(JSON.stringify({ refreshToken: next.refreshToken })).toString('base64'),
      isBase64Encoded: true,
    }),
  );
  expect(encoded.statusCode).toBe(200);
});

it('answers bad events with the broker’s own JSON errors', async () => {
  const forged = await handler(event('POST', '/v1/sessions/refresh', { refreshToken: 'a.b.c.d.e' }));
  expect(forged.statusCode).toBe(401);
  expect(JSON.parse(forged.body)).toEqual({ error: 'invalid_refresh_token' });
  expect((await handler(event('GET', '/nowhere'))).statusCode).toBe(404);
  const password = await handler(event('POST', '/v1/sessions', { username: user.username, password: user.password }));
  expect(password.statusCode).toBe(403);
  expect(JSON.parse(password.body)).toEqual({ error: 'password_sign_in_disabled' });
});
