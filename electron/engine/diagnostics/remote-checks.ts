// The set-up checks that ask a server: is the sign-in service up (its GET /healthz), and how far is this
// computer's clock from S3's (the Date of an unsigned request's answer). Both go through the same proxy
// and certificate authorities as uploads (engine/net), and give up after a few seconds.
import type { Fetch, FetchAnswer } from '../net/http-fetch.js';
import { CLOCK_WARNING_SECONDS, clockOffsetWords, S3_MAX_SKEW_SECONDS, SET_THE_CLOCK } from './clock-offset.js';
import type { DiagnosticCheck } from '../../common/contract.js';

type Line = Omit<DiagnosticCheck, 'id' | 'name'>;

const TIMEOUT_MS = 5_000;

function reason(error: unknown): string {
  const e = error as { code?: string; name?: string; message?: string; cause?: { code?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return `no answer within ${TIMEOUT_MS / 1000} s`;
  const code = e.code ?? e.cause?.code;
  const message = String(e.message ?? error).split('\n')[0]!;
  return code && !message.includes(code) ? `${message} (${code})` : message;
}

export async function checkBroker(brokerUrl: string, fetch: Fetch): Promise<Line> {
  const url = new URL('healthz', brokerUrl.endsWith('/') ? brokerUrl : `${brokerUrl}/`);
  const fix = `Check your network connection (and proxy). If other sites work, the sign-in service at ${url.host} may be down: ask whoever runs it. Uploads wait and continue once it is back.`;
  let response: FetchAnswer;
  try {
    response = await fetch(url, {
      method: 'GET',
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    return { status: 'problem', detail: `the sign-in service at ${url.host} cannot be reached: ${reason(error)}`, fix };
  }
  const body = (await response.json().catch(() => undefined)) as { status?: unknown } | undefined;
  if (response.status === 200 && body?.status === 'ok')
    return { status: 'ok', detail: `the sign-in service at ${url.host} answers its health check` };
  return {
    status: 'problem',
    detail: `the sign-in service at ${url.host} answered its health check with HTTP ${response.status}`,
    fix,
  };
}

/** Asks S3 the time: any answer carries a Date, so an unsigned HEAD is enough (S3 answers it 403 or 400). */
export async function checkClock(endpoint: URL, fetch: Fetch, now: () => number = Date.now): Promise<Line> {
  const sent = now();
  let response: FetchAnswer;
  try {
    response = await fetch(endpoint, { method: 'HEAD', headers: {}, signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (error) {
    return {
      status: 'warning',
      detail: `S3 at ${endpoint.host} cannot be reached to compare clocks: ${reason(error)}`,
      fix: 'Check your network connection and proxy, then run the check again.',
    };
  }
  const received = now();
  const date = Date.parse(response.headers.get('date') ?? '');
  if (Number.isNaN(date))
    return { status: 'warning', detail: `S3 at ${endpoint.host} answered without its time (no Date header)` };
  // The Date is whole seconds: compare it with the middle of the round trip, to the second.
  const offsetSeconds = Math.round((date - (sent + received) / 2) / 1000);
  const words = clockOffsetWords(offsetSeconds);
  const off = Math.abs(offsetSeconds);
  if (off > S3_MAX_SKEW_SECONDS)
    return {
      status: 'problem',
      offsetSeconds,
      detail: `${words} (${endpoint.host}), and S3 refuses requests more than 15 minutes off`,
      fix: `${SET_THE_CLOCK}.`,
    };
  if (off > CLOCK_WARNING_SECONDS)
    return {
      status: 'warning',
      offsetSeconds,
      detail: `${words} (${endpoint.host}); S3 accepts up to 15 minutes`,
      fix: `${SET_THE_CLOCK}.`,
    };
  return { status: 'ok', offsetSeconds, detail: `${words} (${endpoint.host})` };
}
