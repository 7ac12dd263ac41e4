// What an error means for a transfer, and how long to wait before trying again.
export type ErrorKind =
  | 'aborted' // we stopped it (pause, cancel, stop)
  | 'sign-in' // credentials cannot be refreshed without the user
  | 'network' // no route to S3: wait for the network, then continue by itself
  | 'credentials' // S3 says the token expired: refresh and retry
  | 'throttled' // 503 SlowDown / 429: back off longer
  | 'transient' // 5xx, timeouts, stalled sockets, corrupted body: retry this request
  | 'no-such-upload' // the upload id is gone: start a new one
  | 'permanent'; // access denied and the like: fail with the reason

/** Node's codes for a network that failed under a request (the connection, the name, the route). */
export const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ENETDOWN',
  'EPIPE',
  'ECONNABORTED',
]);
/** S3's codes for credentials it no longer accepts: a refresh helps. */
export const CREDENTIAL_CODES = new Set([
  'ExpiredToken',
  'InvalidToken',
  'TokenRefreshRequired',
  'ExpiredTokenException',
  'RequestExpired',
]);
const THROTTLE_CODES = new Set([
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'TooManyRequests',
  'TooManyRequestsException',
  'RequestLimitExceeded',
]);
const TRANSIENT_CODES = new Set([
  'InternalError',
  'ServiceUnavailable',
  'RequestTimeout',
  'TimeoutError',
  'BadDigest',
  'IncompleteBody',
  'RequestTimeTooSkewed',
  'StalledError',
]);

interface ErrorLike {
  name?: string;
  code?: string;
  Code?: string;
  message?: string;
  cause?: unknown;
  $metadata?: { httpStatusCode?: number };
}

export function errorCode(error: unknown): string {
  const e = (error ?? {}) as ErrorLike;
  return e.Code ?? e.name ?? e.code ?? 'Error';
}

export function classify(error: unknown, signal?: AbortSignal): ErrorKind {
  if (signal?.aborted) return 'aborted';
  const e = (error ?? {}) as ErrorLike;
  const name = e.name ?? '';
  if (name === 'AbortError') return 'aborted';
  if (name === 'SignInRequiredError') return 'sign-in';
  if (name === 'NetworkUnavailableError') return 'network';
  const code = e.Code ?? name;
  if (code === 'NoSuchUpload') return 'no-such-upload';
  if (CREDENTIAL_CODES.has(code)) return 'credentials';
  if (THROTTLE_CODES.has(code)) return 'throttled';
  if (TRANSIENT_CODES.has(code)) return 'transient';
  const status = e.$metadata?.httpStatusCode;
  if (status === 503 || status === 429) return 'throttled';
  if (status !== undefined && status >= 500) return 'transient';
  if (isNetworkError(e)) return 'network';
  if (status === undefined && /checksum mismatch/i.test(e.message ?? '')) return 'transient';
  return 'permanent';
}

function isNetworkError(e: ErrorLike, depth = 0): boolean {
  if (e.code && NETWORK_CODES.has(e.code)) return true;
  if (/socket hang up|ECONNRESET|ECONNREFUSED|EPIPE/i.test(e.message ?? '')) return true;
  if (depth < 3 && e.cause && typeof e.cause === 'object') return isNetworkError(e.cause as ErrorLike, depth + 1);
  return false;
}

export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
}

export const TRANSIENT_BACKOFF: BackoffPolicy = { baseMs: 500, capMs: 20_000 };
/** S3 asks us to slow down: start higher, wait longer. */
export const THROTTLE_BACKOFF: BackoffPolicy = { baseMs: 2_000, capMs: 60_000 };
export const NETWORK_BACKOFF: BackoffPolicy = { baseMs: 1_000, capMs: 30_000 };

/** Exponential backoff with full jitter: uniform in [0, min(cap, base·2^attempt)] (attempt from 0). */
export function backoffMs(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}

/** How many times one request is tried for transient errors before the transfer fails (retryable). */
export const MAX_TRANSIENT_ATTEMPTS = 8;
