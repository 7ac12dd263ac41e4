// The stateless broker (OpenID sign-in, refresh tokens sealed with a key from the environment instead of
// stored): several instances that share only the key serve the same person, a token from one is refreshed
// at another, the key can be rotated, and a token that is forged, sealed with another key, expired or past
// its family's deadline is refused. Real provider (oidc-provider), real Chromium, real local Cognito.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { startLocalOidcProvider, type LocalOidcProvider } from '../../../server/local-stack/oidc-provider.js';
import { launchChromium } from '../../support/browser.js';
import { browserSignIn } from '../../support/oidc-login.js';
import { tempDir } from '../cognito/cloud.js';
import { post, startHarness, type Harness, type SessionBody } from './harness.js';

const user = { username: 'katherine', password: 'trajectory' };
const keyA = new Uint8Array(randomBytes(32));
const keyB = new Uint8Array(randomBytes(32));
let provider: LocalOidcProvider;
let browser: Browser;
let context: BrowserContext;
const brokers: Harness[] = [];
/** The clock of the broker in the expiry test, moved by hand. */
let clockOffsetMs = 0;

async function stateless(options: {
  sealKey: Uint8Array;
  previousSealKeys?: Uint8Array[];
  lifetime?: number;
  maxAge?: number;
  movableClock?: boolean;
  /** Another instance in front of the same identity pool. */
  sameCloudAs?: Harness;
}): Promise<Harness> {
  const cloud = options.sameCloudAs?.cognito;
  const harness = await startHarness({
    ...(cloud
      ? {
          bucket: cloud.settings.bucket,
          cognito: {
            region: cloud.settings.region,
            identityPoolId: cloud.settings.identityPoolId,
            developerProviderName: cloud.settings.developerProviderName,
            endpoint: cloud.endpoint,
            credentials: cloud.credentials.developer,
          },
        }
      : {}),
    oidc: { issuer: provider.issuer, clientId: provider.publicClientId },
    stateless: {
      sealKey: options.sealKey,
      ...(options.previousSealKeys ? { previousSealKeys: options.previousSealKeys } : {}),
      ...(options.maxAge ? { sessionMaxAgeSeconds: options.maxAge } : {}),
    },
    ...(options.lifetime ? { refreshTokenLifetimeSeconds: options.lifetime } : {}),
    ...(options.movableClock ? { now: () => new Date(Date.now() + clockOffsetMs) } : {}),
  });
  brokers.push(harness);
  return harness;
}

async function refresh(harness: Harness, refreshToken: string): Promise<Response> {
  return post(`${harness.url}/v1/sessions/refresh`, { refreshToken });
}

beforeAll(async () => {
  provider = await startLocalOidcProvider({ keyFile: join(tempDir('oidc'), 'keys.json'), users: [user] });
  browser = await launchChromium();
  context = await browser.newContext();
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await Promise.all(brokers.map((b) => b.close()));
  await provider?.close();
});

it('lets any instance with the key refresh a session another instance started, rotating the token each time', async () => {
  const first = await stateless({ sealKey: keyA });
  const second = await stateless({ sealKey: keyA, sameCloudAs: first });
  const session = await browserSignIn(context, first.url, user);
  expect(session.refreshToken.split('.')).toHaveLength(5); // a JWE, not a row id

  const atSecond = await refresh(second, session.refreshToken);
  expect(atSecond.status).toBe(200);
  const next = (await atSecond.json()) as SessionBody;
  expect(next.identityId).toBe(session.identityId);
  expect(next.refreshToken).not.toBe(session.refreshToken);
  expect((await refresh(first, next.refreshToken)).status).toBe(200);
});

it('refuses a damaged token and one sealed with another key; accepts the old key while it is listed as previous', async () => {
  const current = await stateless({ sealKey: keyA });
  const other = await stateless({ sealKey: keyB });
  const rotated = await stateless({ sealKey: keyB, previousSealKeys: [keyA] });
  const { refreshToken } = await browserSignIn(context, current.url, user);
  const parts = refreshToken.split('.');
  parts[3] = `${parts[3]!.slice(0, -2)}${parts[3]!.endsWith('AA') ? 'BB' : 'AA'}`;
  const damaged = await refresh(current, parts.join('.'));
  expect(damaged.status).toBe(401);
  expect(await damaged.json()).toEqual({ error: 'invalid_refresh_token' });
  expect((await refresh(other, refreshToken)).status).toBe(401);
  expect((await refresh(rotated, refreshToken)).status).toBe(200);
});

it('refuses a token past its own expiry, and any token past the family’s deadline', async () => {
  const broker = await stateless({ sealKey: keyA, lifetime: 60, maxAge: 100, movableClock: true });
  clockOffsetMs = 0;
  const { refreshToken } = await browserSignIn(context, broker.url, user);
  clockOffsetMs = 61_000;
  expect((await refresh(broker, refreshToken)).status).toBe(401); // its own 60 s are over

  clockOffsetMs = 0;
  const fresh = await browserSignIn(context, broker.url, user);
  clockOffsetMs = 50_000;
  const renewed = (await (await refresh(broker, fresh.refreshToken)).json()) as SessionBody & {
    refreshTokenExpiresAt: string;
  };
  clockOffsetMs = 95_000;
  expect((await refresh(broker, renewed.refreshToken)).status).toBe(200); // within 60 s of its renewal and the family's 100 s
  clockOffsetMs = 101_000;
  expect((await refresh(broker, renewed.refreshToken)).status).toBe(401); // the family's deadline has passed
  clockOffsetMs = 0;
});

it('has no passwords to check, and signing out answers 204 (there is nothing stored to revoke)', async () => {
  const broker = await stateless({ sealKey: keyA });
  const refused = await post(`${broker.url}/v1/sessions`, { username: user.username, password: user.password });
  expect(refused.status).toBe(403);
  expect(await refused.json()).toEqual({ error: 'password_sign_in_disabled' });
  const { refreshToken } = await browserSignIn(context, broker.url, user);
  const out = await fetch(`${broker.url}/v1/sessions/current`, {
    method: 'DELETE',
    headers: { authorization: `Bearer ${refreshToken}` },
  });
  expect(out.status).toBe(204);
});
