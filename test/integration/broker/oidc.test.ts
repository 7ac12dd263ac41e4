// The broker's OpenID Connect sign-in against the real local provider (oidc-provider), driven through a
// real Chromium. To show that each check on the ID token holds, the tests put a forwarding proxy between
// the broker and the provider: it passes every request through and, for the token endpoint only, swaps the
// provider's ID token for one minted here (with the provider's own signing key, unless the test is about a
// foreign key). The first test proves that a correctly minted token is accepted, so every refusal below
// is the check under test and not the harness.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT, decodeJwt, generateKeyPair, importJWK, type JWK, type JWTPayload } from 'jose';
import type { Browser, BrowserContext } from 'playwright-core';
import { startLocalOidcProvider, type LocalOidcProvider } from '../../../server/local-stack/oidc-provider.js';
import { launchChromium } from '../../support/browser.js';
import { browserSignIn } from '../../support/oidc-login.js';
import { tempDir } from '../cognito/cloud.js';
import { post, startHarness, type Harness } from './harness.js';

const user = { username: 'hedy', password: 'frequency hopping' };

/** What the proxy does to the ID token of the next token response. */
type Tamper = (claims: JWTPayload) => { claims: JWTPayload; key?: 'provider' | 'foreign' };

let provider: LocalOidcProvider;
let proxy: { url: string; close(): Promise<void> };
let tamper: Tamper = (claims) => ({ claims });
let broker: Harness;
let restricted: Harness;
let passwordless: Harness;
let browser: Browser;
let context: BrowserContext;
let foreignKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Forwards to the provider, presenting itself as the issuer; re-signs ID tokens as `tamper` says. */
async function startTamperingProxy(upstream: string): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const self = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const rewrite = (text: string): string =>
    text.split(upstream).join(self).split(encodeURIComponent(upstream)).join(encodeURIComponent(self));
  const signingKey = await importJWK(provider.signingKey as JWK, 'RS256');
  server.on('request', (req, res) => {
    void (async () => {
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) {
        if (['host', 'connection', 'content-length', 'accept-encoding'].includes(name) || value === undefined) continue;
        headers.set(name, Array.isArray(value) ? value.join(', ') : value);
      }
      const body = await readBody(req);
      const answer = await fetch(`${upstream}${req.url}`, {
        method: req.method,
        headers,
        body: body.length > 0 ? body : undefined,
        redirect: 'manual',
      });
      let text = rewrite(Buffer.from(await answer.arrayBuffer()).toString('utf8'));
      if (req.url?.startsWith('/token') && answer.status === 200) {
        const tokens = JSON.parse(text) as { id_token: string };
        const { claims, key } = tamper({ ...decodeJwt(tokens.id_token), iss: self });
        tokens.id_token = await new SignJWT(claims)
          .setProtectedHeader({ alg: 'RS256', kid: provider.signingKey.kid! })
          .sign(key === 'foreign' ? foreignKey : signingKey);
        text = JSON.stringify(tokens);
      }
      const out: Record<string, string | string[]> = {};
      answer.headers.forEach((value, name) => {
        if (!['content-length', 'content-encoding', 'transfer-encoding', 'connection', 'set-cookie'].includes(name))
          out[name] = rewrite(value);
      });
      const cookies = answer.headers.getSetCookie();
      if (cookies.length > 0) out['set-cookie'] = cookies;
      res.writeHead(answer.status, out);
      res.end(text);
    })().catch(() => res.destroy());
  });
  return {
    url: self,
    close: () => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

beforeAll(async () => {
  provider = await startLocalOidcProvider({ keyFile: join(tempDir('oidc'), 'keys.json'), users: [user] });
  foreignKey = (await generateKeyPair('RS256')).privateKey;
  proxy = await startTamperingProxy(provider.issuer);
  const oidc = { issuer: proxy.url, clientId: provider.clientId, clientSecret: provider.clientSecret };
  broker = await startHarness({ oidc });
  restricted = await startHarness({ oidc: { ...oidc, allowedGroup: 'hoist-users' } });
  passwordless = await startHarness({
    oidc: { issuer: provider.issuer, clientId: provider.publicClientId },
    passwordSignIn: false,
  });
  browser = await launchChromium();
  context = await browser.newContext();
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await Promise.all([broker?.close(), restricted?.close(), passwordless?.close()]);
  await proxy?.close();
  await provider?.close();
});

/** One browser sign-in through the engine's own code (loopback listener, PKCE, state, nonce). */
async function signInThrough(harness: Harness, how: Tamper = (claims) => ({ claims })) {
  tamper = how;
  return browserSignIn(context, harness.url, user);
}

const now = () => Math.floor(Date.now() / 1000);

describe('the ID token the broker accepts', () => {
  it('accepts a correctly signed token for this client and nonce: the harness itself refuses nothing', async () => {
    const session = await signInThrough(broker);
    expect(session.identityId).toMatch(/^[\w-]+:[0-9a-f-]+$/);
    expect(session.username).toBe(user.username);
    expect(session.keyPrefix).toBe(`uploads/${session.identityId}/`);
    // The same person again is the same identity (iss + sub map to one developer user id).
    expect((await signInThrough(broker)).identityId).toBe(session.identityId);
  });

  it('refuses a token for another audience', async () => {
    await expect(signInThrough(broker, (c) => ({ claims: { ...c, aud: 'another-app' } }))).rejects.toThrow(
      /not accepted.*"aud"/,
    );
  });

  it('refuses an expired token', async () => {
    await expect(
      signInThrough(broker, (c) => ({ claims: { ...c, iat: now() - 3600, exp: now() - 1800 } })),
    ).rejects.toThrow(/not accepted.*"exp"/);
  });

  it('refuses a token whose nonce is not the one this sign-in made', async () => {
    await expect(signInThrough(broker, (c) => ({ claims: { ...c, nonce: 'forged-nonce' } }))).rejects.toThrow(
      /not accepted.*"nonce"/,
    );
  });

  it('refuses a token signed with a key that is not the provider’s', async () => {
    await expect(signInThrough(broker, (c) => ({ claims: c, key: 'foreign' }))).rejects.toThrow(
      /not accepted.*signature/i,
    );
  });

  it('refuses a person outside the allowed group (403), and lets one inside it in', async () => {
    await expect(signInThrough(restricted, (c) => ({ claims: { ...c, groups: ['contractors'] } }))).rejects.toThrow(
      /does not allow this account/,
    );
    const inside = await signInThrough(restricted, (c) => ({ claims: { ...c, groups: ['staff', 'hoist-users'] } }));
    expect(inside.identityId).toMatch(/^[\w-]+:/);
  });
});

describe('the broker’s OpenID endpoints', () => {
  it('describes its sign-in methods', async () => {
    const methods = (await (await fetch(`${broker.url}/v1/sign-in-methods`)).json()) as Record<string, unknown>;
    expect(methods).toEqual({
      password: true,
      oidc: {
        issuer: proxy.url,
        clientId: provider.clientId,
        authorizationEndpoint: `${proxy.url}/auth`,
        scope: 'openid profile',
        deviceAuthorization: true,
      },
    });
  });

  it('refuses a redirect URI that is not a loopback callback, before asking the provider', async () => {
    const response = await post(`${broker.url}/v1/sessions/oidc`, {
      code: 'x',
      codeVerifier: 'v'.repeat(43),
      redirectUri: 'https://evil.example/callback',
      nonce: 'n',
    });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: string }).error).toBe('oidc_rejected');
  });

  it('refuses a code the provider never issued', async () => {
    const response = await post(`${broker.url}/v1/sessions/oidc`, {
      code: 'made-up',
      codeVerifier: 'v'.repeat(43),
      redirectUri: 'http://127.0.0.1:5/callback',
      nonce: 'n',
    });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: string }).error).toBe('oidc_rejected');
  });

  it('with password sign-in turned off, refuses passwords and still signs in as a public client', async () => {
    const refused = await post(`${passwordless.url}/v1/sessions`, { username: user.username, password: user.password });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: string }).error).toBe('password_sign_in_disabled');
    expect(
      ((await (await fetch(`${passwordless.url}/v1/sign-in-methods`)).json()) as { password: boolean }).password,
    ).toBe(false);
    const session = await signInThrough(passwordless);
    expect(session.identityId).toMatch(/^[\w-]+:/);
  });

  it('answers a device-code poll that is not yet confirmed with 428 authorization_pending', async () => {
    const started = (await (await post(`${broker.url}/v1/sessions/device`, {})).json()) as {
      deviceCode: string;
      userCode: string;
    };
    expect(started.userCode).toMatch(/^[A-Z]{4}-[A-Z]{4}$/);
    const poll = await post(`${broker.url}/v1/sessions/device/poll`, { deviceCode: started.deviceCode });
    expect(poll.status).toBe(428);
    expect(await poll.json()).toEqual({ error: 'authorization_pending' });
  });
});
