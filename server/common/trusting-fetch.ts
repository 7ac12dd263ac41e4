// A fetch that trusts extra certificate authorities besides Node's roots, for a server that calls
// another over HTTPS with a private CA (the broker calling the local stack's OpenID provider with
// --tls). Node 20's global fetch cannot take a CA without undici's dispatcher API, which is not a
// dependency of ours, so this speaks node:https with one keep-alive agent. Redirects are not followed
// (callers such as openid-client ask for `redirect: 'manual'`); answers are small JSON documents. The
// app's fetch (electron/engine/net/http-fetch.ts) is alike, but the broker is deployed without the app.
import http from 'node:http';
import https from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import { rootCertificates } from 'node:tls';

export interface TrustingFetchInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string | URLSearchParams | Uint8Array | ArrayBuffer | ReadableStream | null;
  signal?: AbortSignal | null;
}

export type TrustingFetch = (url: string | URL, init?: TrustingFetchInit) => Promise<Response>;

/** Bigger answers are refused: a discovery document, a key set or a token answer is a few KiB. */
const MAX_BODY_BYTES = 1024 * 1024;

/** fetch trusting Node's roots plus `extraCaCertificates` (PEM), never instead of them. */
export function trustingFetch(extraCaCertificates: string[]): TrustingFetch {
  const httpsAgent = new https.Agent({
    keepAlive: true,
    maxSockets: 8,
    ca: [...rootCertificates, ...extraCaCertificates],
  });
  const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  return (input, init = {}) => {
    const url = new URL(input);
    const secure = url.protocol === 'https:';
    const body = bodyOf(init.body);
    return new Promise((resolve, reject) => {
      const req = (secure ? https : http).request(
        url,
        {
          method: init.method ?? 'GET',
          headers: init.headers ?? {},
          agent: secure ? httpsAgent : httpAgent,
          ...(init.signal ? { signal: init.signal } : {}),
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_BODY_BYTES)
              res.destroy(new Error(`the answer from ${url.host} is larger than ${MAX_BODY_BYTES} bytes`));
            else chunks.push(chunk);
          });
          res.on('error', reject);
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            const empty = status === 204 || status === 304 || init.method === 'HEAD';
            try {
              resolve(new Response(empty ? null : Buffer.concat(chunks), { status, headers: headersOf(res.headers) }));
            } catch (error) {
              reject(error); // a status outside 200–599
            }
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  };
}

function bodyOf(body: TrustingFetchInit['body']): string | Buffer | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return body;
  if (body instanceof URLSearchParams) return body.toString();
  if (body instanceof Uint8Array) return Buffer.from(body);
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  throw new TypeError('a streamed request body is not supported here');
}

function headersOf(headers: IncomingHttpHeaders): Headers {
  const out = new Headers();
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) out.append(name, v);
  }
  return out;
}
