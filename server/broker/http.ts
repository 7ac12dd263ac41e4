// Small HTTP helpers: bounded JSON bodies and JSON replies. Every error the broker sends is
// `{"error": "<code>"}`: no messages from exceptions, never a stack trace.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBounded } from '../common/read-bounded.js';

export const MAX_BODY_BYTES = 16 * 1024;

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly headers: Record<string, string> = {},
    /** A plain-language explanation sent beside the code: no secret, no stack trace. */
    message: string = code,
  ) {
    super(message);
  }
}

export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const type = String(req.headers['content-type'] ?? '')
    .split(';')[0]
    ?.trim()
    .toLowerCase();
  // Requiring JSON also keeps browsers' cross-site "simple" form posts out.
  if (type !== 'application/json') throw new HttpError(415, 'unsupported_media_type');
  if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) throw new HttpError(413, 'payload_too_large');
  const body = await readBounded(req, MAX_BODY_BYTES, () => new HttpError(413, 'payload_too_large'));
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    throw new HttpError(400, 'invalid_json');
  }
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body?: unknown,
  headers: Record<string, string> = {},
): void {
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  res.writeHead(status, {
    // Replies carry tokens: no cache may keep them.
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...(payload ? { 'content-type': 'application/json; charset=utf-8', 'content-length': String(payload.length) } : {}),
    ...headers,
  });
  res.end(payload);
}

/** `Authorization: Bearer <token>` (dots allowed: sealed refresh tokens are JWEs). */
export function bearerToken(req: IncomingMessage): string | undefined {
  const match = /^Bearer ([A-Za-z0-9_.-]{1,1024})$/.exec(req.headers.authorization ?? '');
  return match?.[1];
}

/** The client's address: the socket's, or with a trusted proxy in front, the one the proxy saw. */
export function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = String(req.headers['x-forwarded-for'] ?? '')
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean);
    // The last entry is the one our own proxy appended; earlier ones are the client's to forge.
    const last = forwarded.at(-1);
    if (last) return last;
  }
  return req.socket.remoteAddress ?? 'unknown';
}
