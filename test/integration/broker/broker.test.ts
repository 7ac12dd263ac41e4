// The identity broker's HTTP API (docs/ARCHITECTURE.md, Contracts: broker HTTP API) over real HTTP, in
// front of the local Cognito.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { post, signIn, startHarness, type Harness, type SessionBody } from './harness.js';

const STACK_FRAME = /\bat .+:\d+:\d+|Error:/;

describe('identity broker', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    await h.addUser('alice', 'correct horse battery staple');
    await h.addUser('bob', 'hunter2-but-longer');
  });
  afterAll(async () => h.close());

  it('answers /healthz', async () => {
    const res = await fetch(`${h.url}/healthz`);
    expect(res.status).toBe(200);
  });

  it('signs in with the right password and returns the session shape', async () => {
    const res = await signIn(h.url, 'alice', 'correct horse battery staple');
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as SessionBody;
    expect(body.identityId).toMatch(/^us-east-1:[0-9a-f-]{36}$/);
    expect(body.token.split('.')).toHaveLength(3);
    expect(Date.parse(body.tokenExpiresAt)).toBeGreaterThan(Date.now());
    expect(body.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(body).toMatchObject({
      region: 'us-east-1',
      identityPoolId: h.cognito.settings.identityPoolId,
      bucket: 'hoist-test',
      keyPrefix: `uploads/${body.identityId}/`,
      endpoints: { cognitoIdentity: h.cognito.endpoint, s3: 'http://127.0.0.1:1' },
    });
  });

  it('gives a user the same identity every time and different users different ones', async () => {
    const first = (await (await signIn(h.url, 'alice', 'correct horse battery staple')).json()) as SessionBody;
    const again = (await (await signIn(h.url, 'alice', 'correct horse battery staple')).json()) as SessionBody;
    const bob = (await (await signIn(h.url, 'bob', 'hunter2-but-longer')).json()) as SessionBody;
    expect(again.identityId).toBe(first.identityId);
    expect(again.refreshToken).not.toBe(first.refreshToken);
    expect(bob.identityId).not.toBe(first.identityId);
  });

  it('refuses a wrong password and an unknown user alike', async () => {
    for (const [username, password] of [
      ['bob', 'wrong'],
      ['nobody', 'whatever'],
    ] as const) {
      const res = await signIn(h.url, username, password);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: 'invalid_credentials' });
    }
  });

  it('rotates the refresh token and refuses the old one', async () => {
    const session = (await (await signIn(h.url, 'alice', 'correct horse battery staple')).json()) as SessionBody;
    const res = await post(`${h.url}/v1/sessions/refresh`, { refreshToken: session.refreshToken });
    expect(res.status).toBe(200);
    const next = (await res.json()) as SessionBody;
    expect(next.refreshToken).not.toBe(session.refreshToken);
    expect(next.identityId).toBe(session.identityId);
    expect(next.keyPrefix).toBe(session.keyPrefix);
    expect(next.token).not.toBe('');
  });

  it('treats reuse of a rotated refresh token as theft: 401, and the whole family is revoked', async () => {
    const session = (await (await signIn(h.url, 'alice', 'correct horse battery staple')).json()) as SessionBody;
    const rotated = (await (
      await post(`${h.url}/v1/sessions/refresh`, { refreshToken: session.refreshToken })
    ).json()) as SessionBody;
    const replay = await post(`${h.url}/v1/sessions/refresh`, { refreshToken: session.refreshToken });
    expect(replay.status).toBe(401);
    expect(await replay.json()).toEqual({ error: 'invalid_refresh_token' });
    // The legitimate holder's newer token dies with the family.
    const after = await post(`${h.url}/v1/sessions/refresh`, { refreshToken: rotated.refreshToken });
    expect(after.status).toBe(401);
  });

  it('lets exactly one of two racing refreshes with the same token win', async () => {
    const session = (await (await signIn(h.url, 'bob', 'hunter2-but-longer')).json()) as SessionBody;
    const results = await Promise.all(
      [0, 1].map(() => post(`${h.url}/v1/sessions/refresh`, { refreshToken: session.refreshToken })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 401]);
  });

  it('refuses unknown refresh tokens', async () => {
    const res = await post(`${h.url}/v1/sessions/refresh`, { refreshToken: 'A'.repeat(43) });
    expect(res.status).toBe(401);
  });

  it('signs out: DELETE /v1/sessions/current revokes the session', async () => {
    const session = (await (await signIn(h.url, 'alice', 'correct horse battery staple')).json()) as SessionBody;
    const res = await fetch(`${h.url}/v1/sessions/current`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${session.refreshToken}` },
    });
    expect(res.status).toBe(204);
    const refresh = await post(`${h.url}/v1/sessions/refresh`, { refreshToken: session.refreshToken });
    expect(refresh.status).toBe(401);
    const noToken = await fetch(`${h.url}/v1/sessions/current`, { method: 'DELETE' });
    expect(noToken.status).toBe(401);
  });

  it('keeps a disabled user out: no sign-in, and their refresh tokens stop working', async () => {
    await h.addUser('carol', 'carol-password');
    const session = (await (await signIn(h.url, 'carol', 'carol-password')).json()) as SessionBody;
    await h.store.setDisabled('carol', true);
    expect((await signIn(h.url, 'carol', 'carol-password')).status).toBe(401);
    expect((await post(`${h.url}/v1/sessions/refresh`, { refreshToken: session.refreshToken })).status).toBe(401);
    await h.store.setDisabled('carol', false);
    expect((await signIn(h.url, 'carol', 'carol-password')).status).toBe(201);
    // Disabling revoked that session for good: enabling again does not bring it back.
    expect((await post(`${h.url}/v1/sessions/refresh`, { refreshToken: session.refreshToken })).status).toBe(401);
  });

  it('rejects malformed requests with JSON errors', async () => {
    const cases: Array<[RequestInit & { path?: string }, number, string]> = [
      [{ method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"username":' }, 400, 'invalid_json'],
      [
        { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"username":"alice"}' },
        400,
        'invalid_request',
      ],
      [
        { method: 'POST', headers: { 'content-type': 'application/json' }, body: '["alice","x"]' },
        400,
        'invalid_request',
      ],
      [
        { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"username":1,"password":2}' },
        400,
        'invalid_request',
      ],
      [
        { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"username":"a","password":"b"}' },
        415,
        'unsupported_media_type',
      ],
      [
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: 'a', password: 'x'.repeat(17 * 1024) }),
        },
        413,
        'payload_too_large',
      ],
      [{ method: 'GET' }, 405, 'method_not_allowed'],
      [{ method: 'GET', path: '/v1/nothing' }, 404, 'not_found'],
    ];
    for (const [init, status, error] of cases) {
      const res = await fetch(`${h.url}${init.path ?? '/v1/sessions'}`, init);
      expect(res.status, error).toBe(status);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await res.json()).toEqual({ error });
    }
  });

  it('refuses an oversized chunked body (no content-length) with 413', async () => {
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        `${h.url}/v1/sessions`,
        { method: 'POST', headers: { 'content-type': 'application/json' } },
        (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        },
      );
      req.on('error', reject);
      req.write(`{"username":"a","password":"${'y'.repeat(20 * 1024)}`);
      req.end('"}');
    });
    expect(status).toBe(413);
    expect(JSON.parse(body)).toEqual({ error: 'payload_too_large' });
  });

  it('never puts passwords or tokens in its logs', async () => {
    const session = (await (await signIn(h.url, 'alice', 'correct horse battery staple')).json()) as SessionBody;
    await post(`${h.url}/v1/sessions/refresh`, { refreshToken: session.refreshToken });
    await signIn(h.url, 'alice', 'a-wrong-guess');
    const logs = h.logs.join('\n');
    expect(logs).toContain('sign_in');
    expect(logs).not.toContain('correct horse');
    expect(logs).not.toContain('a-wrong-guess');
    expect(logs).not.toContain(session.refreshToken);
    expect(logs).not.toContain(session.token);
    expect(logs).not.toMatch(STACK_FRAME);
  });
});

describe('identity broker rate limiting', () => {
  let h: Harness;
  beforeAll(async () => {
    // A fixed clock: the delay after the fifth failure is counted from it, not from how fast this test runs.
    const frozen = new Date();
    h = await startHarness({
      now: () => frozen,
      rateLimit: { maxFailuresPerUsername: 5, maxFailuresPerAddress: 8, windowSeconds: 60, maxDelaySeconds: 300 },
    });
    await h.addUser('dave', 'dave-password');
  });
  afterAll(async () => h.close());

  it('answers 429 with Retry-After after 5 failures for a username, even to the right password', async () => {
    for (let i = 0; i < 5; i++) expect((await signIn(h.url, 'dave', `guess-${i}`)).status).toBe(401);
    const limited = await signIn(h.url, 'dave', 'dave-password');
    expect(limited.status).toBe(429);
    expect(await limited.json()).toEqual({ error: 'rate_limited' });
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
  });

  it('limits a client address across usernames', async () => {
    // 5 failures for dave above + 3 more here = 8 from this address.
    for (const name of ['x1', 'x2', 'x3']) expect((await signIn(h.url, name, 'nope')).status).toBe(401);
    expect((await signIn(h.url, 'x4', 'nope')).status).toBe(429);
  });
});

describe('identity broker when Cognito is unreachable', () => {
  it('answers 503 JSON without internals', async () => {
    const h = await startHarness();
    try {
      await h.addUser('erin', 'erin-password');
      await h.cognito.close();
      const res = await signIn(h.url, 'erin', 'erin-password');
      expect(res.status).toBe(503);
      const text = await res.text();
      expect(JSON.parse(text)).toEqual({ error: 'upstream_unavailable' });
      expect(text).not.toMatch(STACK_FRAME);
      expect(h.logs.join('\n')).not.toMatch(STACK_FRAME);
    } finally {
      await h.close();
    }
  });
});
