// Hand-built signed S3 requests over node:http, for what the SDK will not send (wrong trailers, short
// bodies, presigned URLs): signed with the SDK's own signer.
import { request as httpRequest } from 'node:http';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { NodeSha256 } from '../../../server/local-cloud/auth/node-hash.js';
import type { LocalCloud } from '../../../server/local-cloud/index.js';
import type { Creds } from './helpers.js';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export function signer(cloud: LocalCloud, creds: Creds): SignatureV4 {
  return new SignatureV4({
    credentials: creds,
    region: cloud.region,
    service: 's3',
    sha256: NodeSha256,
    uriEscapePath: false,
  });
}

export function httpFor(
  cloud: LocalCloud,
  method: string,
  path: string,
  headers: Record<string, string>,
  query: Record<string, string> = {},
): HttpRequest {
  const url = new URL(cloud.s3Endpoint);
  return new HttpRequest({
    method,
    protocol: 'http:',
    hostname: url.hostname,
    port: Number(url.port),
    path,
    query,
    headers: { host: url.host, ...headers },
  });
}

export function queryString(query: Record<string, string | string[] | null>): string {
  return Object.entries(query)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v ?? ''))}`)
    .join('&');
}

/** Sends a (signed or presigned) request with `body`; resolves with the whole response. */
/** What the signer hands back (structurally; its HttpRequest type comes from another package copy). */
export interface SignedRequest {
  method: string;
  path: string;
  query?: Record<string, string | string[] | null>;
  headers: Record<string, string>;
}

export function send(cloud: LocalCloud, req: SignedRequest, body?: Buffer): Promise<RawResponse> {
  const url = new URL(cloud.s3Endpoint);
  const qs = queryString(req.query ?? {});
  return new Promise((resolve, reject) => {
    const r = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method: req.method,
        path: req.path + (qs ? `?${qs}` : ''),
        headers: req.headers,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    r.on('error', reject);
    r.end(body);
  });
}

export const codeOf = (body: string): string | undefined => /<Code>([^<]*)<\/Code>/.exec(body)?.[1];
