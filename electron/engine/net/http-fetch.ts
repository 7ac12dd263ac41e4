// A small fetch over node:http(s) with our agents: Node 20's global fetch cannot take a proxy or extra
// CAs without undici's dispatcher API, and the broker's JSON answers need nothing more than this.
// Redirects are not followed (the broker never sends one). Answers the part of a Response its callers
// read, without fetch's globals (Response, Headers): Node loads all of undici for them.
import type { Agent, IncomingHttpHeaders } from 'node:http';
import http from 'node:http';
import https from 'node:https';

export interface FetchInit {
  method: string;
  headers: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

/** What callers read from an answer: a subset of fetch's Response, which satisfies it. */
export interface FetchAnswer {
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  json(): Promise<unknown>;
  text(): Promise<string>;
}

export type Fetch = (url: URL, init: FetchInit) => Promise<FetchAnswer>;

/** Bigger answers are cut: a broker's JSON is a few KiB. */
const MAX_BODY_BYTES = 1024 * 1024;

export function fetchWith(agent: Agent, url: URL, init: FetchInit): Promise<FetchAnswer> {
  const request = url.protocol === 'https:' ? https.request : http.request;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: init.method, headers: init.headers, agent, ...(init.signal ? { signal: init.signal } : {}) },
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
          if (status < 200 || status > 599) reject(new RangeError(`${url.host} answered HTTP ${status}`));
          else resolve(answerOf(status, res.headers, Buffer.concat(chunks)));
        });
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

function answerOf(status: number, headers: IncomingHttpHeaders, body: Buffer): FetchAnswer {
  const text = async () => body.toString('utf8');
  return {
    status,
    headers: { get: (name) => headerValue(headers, name) },
    text,
    json: async () => JSON.parse(await text()) as unknown,
  };
}

/** A header as fetch's Headers.get reads it: repeated values joined with ", ", null when absent. */
function headerValue(headers: IncomingHttpHeaders, name: string): string | null {
  const value = headers[name.toLowerCase()];
  if (value === undefined) return null;
  return Array.isArray(value) ? value.join(', ') : value;
}
