// The identity broker's HTTP API (docs/ARCHITECTURE.md, Contracts: broker HTTP API), as the client sees
// it. Every answer is validated: a broker that sends something else is a protocol error, not a crash.
import { z } from 'zod';
import { checkBrokerUrl } from '../net/trust.js';
import { BrokerProtocolError, InvalidCredentialsError, NetworkUnavailableError, RateLimitedError, SignInRequiredError } from './errors.js';

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
});
export type BrokerSession = z.infer<typeof BrokerSession>;

export interface BrokerClient {
  signIn(username: string, password: string): Promise<BrokerSession>;
  refresh(refreshToken: string): Promise<BrokerSession>;
  signOut(refreshToken: string): Promise<void>;
}

export function createBrokerClient(brokerUrl: string, options: { timeoutMs?: number } = {}): BrokerClient {
  const timeoutMs = options.timeoutMs ?? 15_000;

  async function request(method: string, path: string, init: { body?: unknown; bearer?: string }): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    if (init.bearer) headers.authorization = `Bearer ${init.bearer}`;
    // The trust rules, before anything is sent (docs/ARCHITECTURE.md, Trust rules).
    checkBrokerUrl(brokerUrl);
    try {
      return await fetch(new URL(path, brokerUrl), {
        method,
        headers,
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'error',
      });
    } catch (error) {
      // fetch rejects only when no HTTP answer came back: refused, reset, DNS, timeout.
      throw new NetworkUnavailableError(`The sign-in service at ${new URL(brokerUrl).host} cannot be reached (${describe(error)}).`);
    }
  }

  async function sessionFrom(response: Response): Promise<BrokerSession> {
    const parsed = BrokerSession.safeParse(await response.json().catch(() => undefined));
    if (!parsed.success) throw new BrokerProtocolError('The sign-in service sent an answer Hoist does not understand.');
    return parsed.data;
  }

  function unexpected(response: Response): Error {
    if (response.status >= 500) return new NetworkUnavailableError(`The sign-in service is unavailable (HTTP ${response.status}).`);
    // No such route or method: a web server, S3 or a mistyped URL, not a broker.
    if (response.status === 404 || response.status === 405) {
      return new BrokerProtocolError(`${brokerUrl} does not look like a Hoist sign-in service (it answered HTTP ${response.status}). Check the broker URL.`);
    }
    return new BrokerProtocolError(`The sign-in service answered HTTP ${response.status}.`);
  }

  return {
    async signIn(username, password) {
      const response = await request('POST', '/v1/sessions', { body: { username, password } });
      if (response.status === 201 || response.status === 200) return sessionFrom(response);
      if (response.status === 401 || response.status === 403) throw new InvalidCredentialsError();
      if (response.status === 429) throw new RateLimitedError(retryAfter(response));
      throw unexpected(response);
    },
    async refresh(refreshToken) {
      const response = await request('POST', '/v1/sessions/refresh', { body: { refreshToken } });
      if (response.status === 200) return sessionFrom(response);
      if (response.status === 401 || response.status === 403) throw new SignInRequiredError('Your session has ended. Sign in to continue.');
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

function retryAfter(response: Response): number | undefined {
  const value = Number(response.headers.get('retry-after'));
  return Number.isFinite(value) && value > 0 ? Math.ceil(value) : undefined;
}

function describe(error: unknown): string {
  // undici puts the socket error in `cause`, or several of them (one per address tried) in cause.errors.
  const cause = (error as { cause?: { code?: string; errors?: Array<{ code?: string }> } })?.cause;
  const code = cause?.code ?? cause?.errors?.find((e) => e.code)?.code;
  if (code) return code;
  if (error instanceof Error && error.name === 'TimeoutError') return 'timed out';
  return error instanceof Error ? error.message : String(error);
}
