// The local stack's OpenID provider: the certified `oidc-provider` on 127.0.0.1, with the stack's own
// `--user` accounts, a plain login page (Username, Password, Sign in, Cancel), no consent screen for the
// first-party clients, the device grant, and native-app loopback redirects on any port. Its signing key,
// cookie keys and client secret are kept in the data folder so a restart does not change them. With the
// stack's --tls it listens over HTTPS like the other servers (server/common/listen.ts), so its issuer is https.
import { randomBytes, timingSafeEqual, createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { createWebServer, listen, type TlsOptions } from '../common/listen.js';
import { readBounded } from '../common/read-bounded.js';

/** The confidential first-party client the local broker uses (secret in the data folder). */
export const LOCAL_OIDC_CLIENT_ID = 'hoist';
/** The same application registered as a public client (PKCE only), for brokers run without a secret. */
export const LOCAL_OIDC_PUBLIC_CLIENT_ID = 'hoist-public';

export interface LocalOidcProviderOptions {
  /** Holds `oidc-provider.json`: signing key, cookie keys, client secret. */
  keyFile: string;
  users: Array<{ username: string; password: string }>;
  host?: string;
  /** Serve HTTPS with this key and certificate (the local stack's --tls): the issuer is then https://. */
  tls?: TlsOptions;
}

export interface LocalOidcProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  publicClientId: string;
  /** The provider's private signing key (tests mint tokens with it). */
  signingKey: JWK;
  close(): Promise<void>;
}

interface KeyMaterial {
  signingKey: JWK;
  cookieKeys: string[];
  clientSecret: string;
}

async function loadKeyMaterial(file: string): Promise<KeyMaterial> {
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as KeyMaterial;
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const signingKey = {
    ...(await exportJWK(privateKey)),
    kid: randomBytes(8).toString('hex'),
    alg: 'RS256',
    use: 'sig',
  };
  const material: KeyMaterial = {
    signingKey,
    cookieKeys: [randomBytes(32).toString('base64url')],
    clientSecret: randomBytes(32).toString('base64url'),
  };
  writeFileSync(file, JSON.stringify(material), { mode: 0o600 });
  return material;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

export async function startLocalOidcProvider(options: LocalOidcProviderOptions): Promise<LocalOidcProvider> {
  const keys = await loadKeyMaterial(options.keyFile);
  const passwords = new Map(options.users.map((u) => [u.username, digest(u.password)]));
  const checkPassword = (username: string, password: string): boolean => {
    const expected = passwords.get(username);
    const actual = digest(password);
    // Compared as digests in constant time; an unknown name takes as long as a wrong password.
    return timingSafeEqual(expected ?? actual, actual) && expected !== undefined;
  };

  // Listening first: the issuer URL needs the port (and the scheme, https with TLS).
  let handle: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => {
    res.writeHead(503).end();
  };
  const server = createWebServer(options.tls, {}, (req, res) => handle(req, res));
  const issuer = await listen(server, 0, options.host ?? '127.0.0.1');

  const { default: Provider, interactionPolicy } = await import('oidc-provider');
  // Native clients are asked for consent on every sign-in by default; the first-party app is not (its
  // grant is made in loadExistingGrant below).
  const policy = interactionPolicy.base();
  policy.get('consent')?.checks.remove('native_client_prompt');
  const firstParty = new Set([LOCAL_OIDC_CLIENT_ID, LOCAL_OIDC_PUBLIC_CLIENT_ID]);
  const common = {
    application_type: 'native' as const,
    // Native apps: any port on the loopback address is accepted for this path.
    redirect_uris: ['http://127.0.0.1/callback'],
    grant_types: ['authorization_code', 'urn:ietf:params:oauth:grant-type:device_code'],
    response_types: ['code' as const],
  };
  const provider = new Provider(issuer, {
    clients: [
      {
        ...common,
        client_id: LOCAL_OIDC_CLIENT_ID,
        client_secret: keys.clientSecret,
        token_endpoint_auth_method: 'client_secret_basic',
        client_name: 'Hoist',
      },
      { ...common, client_id: LOCAL_OIDC_PUBLIC_CLIENT_ID, token_endpoint_auth_method: 'none', client_name: 'Hoist' },
    ],
    jwks: { keys: [keys.signingKey] },
    cookies: { keys: keys.cookieKeys },
    claims: { openid: ['sub'], profile: ['preferred_username', 'name'] },
    scopes: ['openid', 'profile'],
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      deviceFlow: {
        enabled: true,
        userCodeInputSource: async (ctx, form, _out, err) => {
          ctx.body = page(
            'Enter the code',
            `${err ? '<p role="alert">That code is not valid. Try again.</p>' : '<p>Enter the code shown on your device.</p>'}${form}<button type="submit" form="op.deviceInputForm">Continue</button>`,
          );
        },
        userCodeConfirmSource: async (ctx, form, _client, _info, userCode) => {
          ctx.body = page(
            'Confirm the device',
            `<p>Is this the code your device shows?</p><p><code>${escapeHtml(userCode)}</code></p>${form}<button type="submit" form="op.deviceConfirmForm">Continue</button> <button type="submit" form="op.deviceConfirmForm" value="yes" name="abort">Cancel</button>`,
          );
        },
        successSource: async (ctx) => {
          ctx.body = page('Signed in', '<p>You are signed in. You can close this tab and return to your device.</p>');
        },
      },
    },
    findAccount: async (_ctx, id) =>
      passwords.has(id)
        ? { accountId: id, claims: async () => ({ sub: id, preferred_username: id, name: id }) }
        : undefined,
    interactions: { policy, url: async (_ctx, interaction) => `/interaction/${interaction.uid}` },
    // Short enough for tests and a local machine; the provider's defaults apply to everything else.
    ttl: {
      Interaction: 600,
      Session: 8 * 3600,
      Grant: 8 * 3600,
      AccessToken: 600,
      IdToken: 600,
      DeviceCode: 600,
      AuthorizationCode: 60,
    },
    // First-party clients need no consent screen: their grant is made on the spot.
    loadExistingGrant: async (ctx) => {
      const { oidc } = ctx;
      if (!oidc.client || !oidc.session?.accountId) return undefined;
      const existingId = oidc.result?.consent?.grantId ?? oidc.session.grantIdFor(oidc.client.clientId);
      if (existingId) {
        const existing = await oidc.provider.Grant.find(existingId);
        if (existing) return existing;
      }
      if (!firstParty.has(oidc.client.clientId)) return undefined;
      const grant = new oidc.provider.Grant({ clientId: oidc.client.clientId, accountId: oidc.session.accountId });
      grant.addOIDCScope('openid profile');
      await grant.save();
      return grant;
    },
    renderError: async (ctx, out) => {
      ctx.type = 'html';
      ctx.body = page('Sign-in error', `<p role="alert">${escapeHtml(String(out.error_description ?? out.error))}</p>`);
    },
  });
  const providerCallback = provider.callback();

  async function interaction(
    req: IncomingMessage,
    res: ServerResponse,
    uid: string,
    action: string | undefined,
  ): Promise<void> {
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== uid)
      return sendHtml(
        res,
        400,
        page('Sign-in error', '<p role="alert">This sign-in page has expired. Start again from the app.</p>'),
      );
    if (req.method === 'GET' && action === undefined) return sendHtml(res, 200, loginPage(uid));
    if (req.method === 'POST' && action === 'abort') {
      return void (await provider.interactionFinished(
        req,
        res,
        { error: 'access_denied', error_description: 'The sign-in was cancelled.' },
        { mergeWithLastSubmission: false },
      ));
    }
    if (req.method === 'POST' && action === 'login') {
      const form = new URLSearchParams(
        (await readBounded(req, 16 * 1024, () => new Error('form too large'))).toString('utf8'),
      );
      const username = form.get('username') ?? '';
      if (!checkPassword(username, form.get('password') ?? ''))
        return sendHtml(res, 200, loginPage(uid, 'The username or password is not correct.'));
      return void (await provider.interactionFinished(
        req,
        res,
        { login: { accountId: username } },
        { mergeWithLastSubmission: false },
      ));
    }
    sendHtml(res, 405, page('Sign-in error', '<p role="alert">Not allowed.</p>'));
  }

  handle = (req: IncomingMessage, res: ServerResponse) => {
    const match = /^\/interaction\/([\w-]+)(?:\/(login|abort))?$/.exec(new URL(req.url ?? '/', issuer).pathname);
    if (!match) return void providerCallback(req, res);
    interaction(req, res, match[1]!, match[2]).catch(() => {
      if (!res.headersSent)
        sendHtml(
          res,
          400,
          page(
            'Sign-in error',
            '<p role="alert">This sign-in has expired or is not valid. Start again from the app.</p>',
          ),
        );
      else res.destroy();
    });
  };

  return {
    issuer,
    clientId: LOCAL_OIDC_CLIENT_ID,
    clientSecret: keys.clientSecret,
    publicClientId: LOCAL_OIDC_PUBLIC_CLIENT_ID,
    signingKey: keys.signingKey,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function loginPage(uid: string, error?: string): string {
  const base = `/interaction/${encodeURIComponent(uid)}`;
  return page(
    'Sign in',
    `${error ? `<p role="alert">${escapeHtml(error)}</p>` : ''}
    <form method="post" action="${base}/login">
      <label>Username <input name="username" autocomplete="username" autofocus required></label>
      <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
      <button type="submit">Sign in</button>
    </form>
    <form method="post" action="${base}/abort"><button type="submit">Cancel</button></form>`,
  );
}

function page(title: string, body: string): string {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:system-ui,sans-serif;max-width:22rem;margin:3rem auto}label{display:block;margin:.5rem 0}input{display:block;width:100%}</style>
</head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}

function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'x-frame-options': 'DENY',
  });
  res.end(html);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
