// One S3 request in flight: the parsed request line, the authenticated principal, and the response helpers
// that put S3's common headers (request ids, a correct Date) on every answer.
import { randomBase64, randomHex } from '../storage/random-names.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SigV4Success } from '../auth/sigv4.js';
import type { Principal } from '../auth/types.js';
import type { RequestLogEntry } from '../request-log.js';
import { S3Error } from './errors.js';
import { escapeXml, xmlDocument, type XmlNode } from './xml.js';

export interface S3Context {
  req: IncomingMessage;
  res: ServerResponse;
  now: Date;
  requestId: string;
  hostId: string;
  method: string;
  rawPath: string;
  rawQuery: string;
  /** First value of each query parameter (decoded). */
  query: Map<string, string>;
  bucket?: string;
  key?: string;
  principal?: Principal;
  auth?: SigV4Success;
  log: RequestLogEntry;
  header(name: string): string | undefined;
  /** Sends `100 Continue` if the client is waiting for it (call right before reading the body). */
  continueBody(): void;
  /** True once the body has been (or is being) read, or the client was told to send it. */
  bodyStarted: boolean;
}

export function newRequestIds(): { requestId: string; hostId: string } {
  return { requestId: randomHex(8).toUpperCase(), hostId: randomBase64(48) };
}

export function commonHeaders(ctx: S3Context): Record<string, string> {
  return {
    'x-amz-request-id': ctx.requestId,
    'x-amz-id-2': ctx.hostId,
    date: ctx.now.toUTCString(),
    server: 'AmazonS3',
  };
}

export function sendXml(
  ctx: S3Context,
  status: number,
  root: string,
  body: XmlNode,
  headers: Record<string, string> = {},
): void {
  const text = xmlDocument(root, body);
  ctx.res.writeHead(status, {
    ...commonHeaders(ctx),
    'content-type': 'application/xml',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  ctx.res.end(text);
  ctx.log.status = status;
}

export function sendEmpty(ctx: S3Context, status: number, headers: Record<string, string> = {}): void {
  ctx.res.writeHead(status, { ...commonHeaders(ctx), 'content-length': '0', ...headers });
  ctx.res.end();
  ctx.log.status = status;
}

export function sendError(ctx: S3Context, error: S3Error): void {
  ctx.log.status = error.status;
  ctx.log.errorCode = error.code;
  if (ctx.res.headersSent) {
    ctx.res.destroy(); // mid-body: the only honest signal left is a cut connection
    return;
  }
  const resource = ctx.rawPath;
  let extra = '';
  for (const [name, value] of Object.entries(error.details)) extra += `<${name}>${escapeXml(value)}</${name}>`;
  const text =
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message>` +
    `${extra}<Resource>${escapeXml(resource)}</Resource><RequestId>${ctx.requestId}</RequestId><HostId>${escapeXml(ctx.hostId)}</HostId></Error>`;
  const headers: Record<string, string> = {
    ...commonHeaders(ctx),
    'content-type': 'application/xml',
    ...error.headers,
  };
  // The client was told to wait for 100-continue and never was: it will not send the body, so the
  // connection cannot be reused (its unread body would be parsed as the next request).
  if (!ctx.bodyStarted && ctx.req.headers.expect !== undefined) headers.connection = 'close';
  // S3 answers a `..` segment in the URI with a bare 400; HEAD errors never carry a body.
  if (ctx.method === 'HEAD' || error.code === 'BadRequest') {
    ctx.res.writeHead(error.status, headers);
    ctx.res.end();
    return;
  }
  headers['content-length'] = String(Buffer.byteLength(text));
  ctx.res.writeHead(error.status, headers);
  ctx.res.end(text);
}

export function toS3Error(err: unknown): S3Error {
  if (err instanceof S3Error) return err;
  return new S3Error('InternalError', 500, 'We encountered an internal error. Please try again.');
}
