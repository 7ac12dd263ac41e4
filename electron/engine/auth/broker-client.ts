// The identity broker's HTTP API (docs/ARCHITECTURE.md, Contracts: broker HTTP API), as the client sees
// it. Every answer is validated: a broker that sends something else is a protocol error, not a crash.
import { z } from 'zod';
import { ProxyRefusedError, UntrustedCertificateError, type Fetch, type FetchAnswer } from '../net/index.js';
import { checkBrokerUrl } from '../net/trust.js';
import {
  BrokerProtocolError,
  BrowserSignInError,
  InvalidCredentialsError,
  NetworkUnavailableError,
  RateLimitedError,
  SignInRequiredError,
} from './errors.js';

const timestamp = z.union([z.number(), z.string()]).transform((value, ctx) => {
  // Epoch seconds, epoch milliseconds or ISO 8601: all seen in brokers of this kind.
  const date = typeof value === 'number' ? new Date(value < 1e12 ? value * 1000 : value) : new Date(value);
  if (Number.isNaN(date.getTime())) {
    ctx.addIssue({ code: 'custom', message: 'not a timestamp' });
    return z.NEVER;
  }
  return date;
});

export const BrokerSession = z.object({
  identityId: z.string().regex(/^[\w-]+:[0-9a-f-]+$/i, 'not a Cognito identity id'),
  token: z.string().min(1),
  tokenExpiresAt: timestamp,
  refreshToken: z.string().min(1),
  region: z.string().min(1),
  identityPoolId: z.string().min(1),
  bucket: z.string().min(1),
  keyPrefix: z.string().min(1),
  endpoints: z.object({ cognitoIdentity: z.string().url(), s3: z.string().url() }).optional(),
  /** Who signed in, as the organisation's provider names them (OpenID sign-in). */
  username: z.string().max(256).optional(),
});
export type BrokerSession = z.infer<typeof BrokerSession>;

const httpUrl = z
  .string()
  .url()
  .refine((v) => /^https?:/i.test(v), 'not an http(s) URL');

export const BrokerSignInMethods = z.object({
  password: z.boolean(),
  oidc: z
    .object({
      issuer: z.string().min(1),
      clientId: z.string().min(1),
      authorizationEndpoint: httpUrl,
      scope: z.string().min(1),
      deviceAuthorization: z.boolean(),
    })
    .optional(),
});
export type BrokerSignInMethods = z.infer<typeof BrokerSignInMethods>;

export const DeviceStart = z.object({
  deviceCode: z.string().min(1),
  userCode: z.string().min(1),
  verificationUri: httpUrl,
  verificationUriComplete: httpUrl.optional(),
  interval: z.number().positive(),
  expiresIn: z.number().positive(),
});
export type DeviceStart = z.infer<typeof DeviceStart>;

/** What the loopback redirect brought back, for the broker to redeem. */
export interface AuthorizationCodeProof {
  code: string;
  codeVerifier: string;
  redirectUri: string;
  nonce: string;
  iss?: string;
}

export type DevicePoll = { status: 'done'; session: BrokerSession } | { status: 'pending' | 'slow_down' };

export interface BrokerClient {
  signIn(username: string, password: string): Promise<BrokerSession>;
  signInMethods(): Promise<BrokerSignInMethods>;
  signInWithCode(proof: AuthorizationCodeProof): Promise<BrokerSession>;
  startDevice(): Promise<DeviceStart>;
  pollDevice(deviceCode: string): Promise<DevicePoll>;
  refresh(refreshToken: string): Promise<BrokerSession>;
  signOut(refreshToken: string): Promise<void>;
}

/** Node's fetch, for callers without an engine network (no proxy, default authorities). */
const plainFetch: Fetch = (url, init) => fetch(url, { ...init, redirect: 'error' });

export function createBrokerClient(
  brokerUrl: string,
  options: { timeoutMs?: number; fetch?: Fetch } = {},
): BrokerClient {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const send = options.fetch ?? plainFetch;

  async function request(
    method: string,
    path: string,
    init: { body?: unknown; bearer?: string },
  ): Promise<FetchAnswer> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    if (init.bearer) headers.authorization = `Bearer ${init.bearer}`;
    // The trust rules, before anything is sent (docs/ARCHITECTURE.md, Trust rules).
    checkBrokerUrl(brokerUrl);
    try {
      return await send(new URL(path, brokerUrl), {
        method,
        headers,
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      // A proxy that refused us or a certificate we do not trust: waiting will not mend it, say what will.
      if (error instanceof ProxyRefusedError || error instanceof UntrustedCertificateError) {
        throw new BrokerProtocolError(
          `The sign-in service at ${new URL(brokerUrl).host} cannot be used: ${error.message}.`,
        );
      }
      // fetch rejects only when no HTTP answer came back: refused, reset, DNS, timeout.
      throw new NetworkUnavailableError(
        `The sign-in service at ${new URL(brokerUrl).host} cannot be reached (${describe(error)}).`,
      );
    }
  }

  async function sessionFrom(response: FetchAnswer): Promise<BrokerSession> {
    const parsed = BrokerSession.safeParse(await response.json().catch(() => undefined));
    if (!parsed.success) throw new BrokerProtocolError('The sign-in service sent an answer Hoist does not understand.');
    return parsed.data;
  }

  function unexpected(response: FetchAnswer): Error {
    if (response.status >= 500)
      return new NetworkUnavailableError(`The sign-in service is unavailable (HTTP ${response.status}).`);
    // No such route or method: a web server, S3 or a mistyped URL, not a broker.
    if (response.status === 404 || response.status === 405) {
      return new BrokerProtocolError(
        `${brokerUrl} does not look like a Hoist sign-in service (it answered HTTP ${response.status}). Check the broker URL.`,
      );
    }
    return new BrokerProtocolError(`The sign-in service answered HTTP ${response.status}.`);
  }

  return {
    async signIn(username, password) {
      const response = await request('POST', '/v1/sessions', { body: { username, password } });
      if (response.status === 201 || response.status === 200) return sessionFrom(response);
      if (response.status === 403 && (await errorOf(response)).error === 'password_sign_in_disabled') {
        throw new BrowserSignInError(
          'This organisation does not use passwords: choose “Sign in with your organisation”.',
        );
      }
      if (response.status === 401 || response.status === 403) throw new InvalidCredentialsError();
      if (response.status === 429) throw new RateLimitedError(retryAfter(response));
      throw unexpected(response);
    },
    async signInMethods() {
      const response = await request('GET', '/v1/sign-in-methods', {});
      // A broker from before OpenID sign-in: passwords only.
      if (response.status === 404) return { password: true };
      if (response.status !== 200) throw unexpected(response);
      const parsed = BrokerSignInMethods.safeParse(await response.json().catch(() => undefined));
      if (!parsed.success)
        throw new BrokerProtocolError('The sign-in service sent an answer Hoist does not understand.');
      return parsed.data;
    },
    async signInWithCode(proof) {
      const response = await request('POST', '/v1/sessions/oidc', { body: proof });
      if (response.status === 201 || response.status === 200) return sessionFrom(response);
      await refusal(response);
      throw unexpected(response);
    },
    async startDevice() {
      const response = await request('POST', '/v1/sessions/device', { body: {} });
      if (response.status === 404)
        throw new BrowserSignInError('This sign-in service does not offer sign-in with a code on another device.');
      if (response.status !== 200) {
        await refusal(response);
        throw unexpected(response);
      }
      const parsed = DeviceStart.safeParse(await response.json().catch(() => undefined));
      if (!parsed.success)
        throw new BrokerProtocolError('The sign-in service sent an answer Hoist does not understand.');
      return parsed.data;
    },
    async pollDevice(deviceCode) {
      const response = await request('POST', '/v1/sessions/device/poll', { body: { deviceCode } });
      if (response.status === 201 || response.status === 200)
        return { status: 'done', session: await sessionFrom(response) };
      if (response.status === 428) return { status: 'pending' };
      if (response.status === 400) {
        const { error } = await errorOf(response);
        if (error === 'slow_down') return { status: 'slow_down' };
        if (error === 'expired_token')
          throw new BrowserSignInError('The code expired before the sign-in was confirmed. Start again.');
        if (error === 'access_denied')
          throw new BrowserSignInError('The sign-in was cancelled at your organisation’s sign-in page.');
      }
      await refusal(response);
      throw unexpected(response);
    },
    async refresh(refreshToken) {
      const response = await request('POST', '/v1/sessions/refresh', { body: { refreshToken } });
      if (response.status === 200) return sessionFrom(response);
      if (response.status === 401 || response.status === 403)
        throw new SignInRequiredError('Your session has ended. Sign in to continue.');
      if (response.status === 429) throw new NetworkUnavailableError('The sign-in service is busy; retrying shortly.');
      throw unexpected(response);
    },
    async signOut(refreshToken) {
      const response = await request('DELETE', '/v1/sessions/current', { bearer: refreshToken });
      // 401: already revoked or expired, which is what signing out wants anyway.
      if (response.status !== 204 && response.status !== 200 && response.status !== 401) throw unexpected(response);
    },
  };
}

async function errorOf(response: FetchAnswer): Promise<{ error?: string; message?: string }> {
  const body = (await response.json().catch(() => undefined)) as unknown;
  const parsed = z
    .object({ error: z.string().max(64).optional(), message: z.string().max(512).optional() })
    .safeParse(body);
  return parsed.success ? parsed.data : {};
}

/** The broker's refusals of an OpenID sign-in, in words. */
async function refusal(response: FetchAnswer): Promise<void> {
  if (response.status === 401) {
    const { message } = await errorOf(response);
    throw new BrowserSignInError(message ?? 'Your organisation’s sign-in was not accepted.');
  }
  if (response.status === 403)
    throw new BrowserSignInError(
      'Your organisation does not allow this account to use Hoist. Ask your IT team for access.',
    );
}

function retryAfter(response: FetchAnswer): number | undefined {
  const value = Number(response.headers.get('retry-after'));
  return Number.isFinite(value) && value > 0 ? Math.ceil(value) : undefined;
}

function describe(error: unknown): string {
  if (error instanceof Error && error.message.startsWith('the proxy at')) return error.message;
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return 'timed out';
  // node:http puts the socket error's code on the error; undici in `cause`, or several of them (one
  // per address tried) in cause.errors.
  const cause = (error as { cause?: { code?: string; errors?: Array<{ code?: string }> } })?.cause;
  const code = (error as { code?: string })?.code ?? cause?.code ?? cause?.errors?.find((e) => e.code)?.code;
  if (code) return code;
  return error instanceof Error ? error.message : String(error);
}
