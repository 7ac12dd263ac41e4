// A small fetch over node:http(s) with our agents: Node 20's global fetch cannot take a proxy or extra
// CAs without undici's dispatcher API, and the broker's JSON answers need nothing more than this.
// Redirects are not followed (the broker never sends one). Answers a standard Response.
import type { Agent, IncomingHttpHeaders } from 'node:http';
import http from 'node:http';
import https from 'node:https';

export interface FetchInit {
  method: string;
  headers: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

export type Fetch = (url: URL, init: FetchInit) => Promise<Response>;

/** Bigger answers are cut: a broker's JSON is a few KiB. */
const MAX_BODY_BYTES = 1024 * 1024;

export function fetchWith(agent: Agent, url: URL, init: FetchInit): Promise<Response> {
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
          const nullBody = status === 204 || status === 304 || init.method === 'HEAD';
          try {
            resolve(new Response(nullBody ? null : Buffer.concat(chunks), { status, headers: headersOf(res.headers) }));
          } catch (error) {
            reject(error); // a status outside 200–599
          }
        });
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

function headersOf(headers: IncomingHttpHeaders): Headers {
  const out = new Headers();
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) out.append(name, v);
  }
  return out;
}
