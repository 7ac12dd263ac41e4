// The S3 client Hoist uploads with: one keep-alive pool sized to the request budget (through the proxy
// and trusted authorities of engine/net), timeouts that cut stalled sockets, and no SDK-level retries
// (the queue retries, see below).
import { PutObjectCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { getEndpointFromInstructions } from '@smithy/core/endpoints';
import { extendedEncodeURIComponent } from '@smithy/core/protocols';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { XMLParser } from 'fast-xml-parser';
import type { Readable } from 'node:stream';
import { createLogger, type Logger } from '../platform/log.js';
import { createNetwork, type Network } from '../net/index.js';

/** No bytes either way for this long (e.g. after the laptop slept) → the socket is cut and the part retried. */
export const STALL_TIMEOUT_MS = 30_000;
/** Settings allow up to 64 requests in flight; a few more sockets for Create/Complete/Abort. */
export const DEFAULT_MAX_SOCKETS = 64 + 4;

export interface S3ClientOptions {
  /** Omit for real AWS; given (e.g. the local cloud), requests are path-style. */
  endpoint?: string;
  region: string;
  credentials: S3ClientConfig['credentials'];
  maxSockets?: number;
  stallTimeoutMs?: number;
  /** Where the SDK's remaining warnings go (default: the engine logger on stderr). */
  log?: Logger;
  /** Proxy and trusted authorities (default: from the environment alone). */
  network?: Network;
}

export function createS3Client(options: S3ClientOptions): S3Client {
  const maxSockets = options.maxSockets ?? DEFAULT_MAX_SOCKETS;
  // Real AWS: the regional endpoint stands for the bucket's host when choosing a proxy.
  const target = new URL(options.endpoint ?? `https://s3.${options.region}.amazonaws.com`);
  return new S3Client({
    region: options.region,
    credentials: options.credentials,
    ...(options.endpoint ? { endpoint: options.endpoint, forcePathStyle: true } : {}),
    // The queue owns retries: request bodies are one-shot file streams the SDK cannot replay, and
    // backoff, SlowDown, credential refresh and "waiting for network" need the queue's knowledge.
    maxAttempts: 1,
    logger: quietLogger(options.log ?? createLogger()),
    // WHEN_SUPPORTED (the default) makes the SDK send CRC32 on every upload. For stream bodies it
    // goes as an aws-chunked trailer computed in one pass with Node's native zlib.crc32, and the
    // payload is UNSIGNED (no SHA-256 pass): the cheapest verified upload. It needs a known length,
    // so every body is given ContentLength explicitly.
    requestChecksumCalculation: 'WHEN_SUPPORTED',
    requestHandler: (options.network ?? createNetwork()).sdkHandler(target, {
      maxSockets,
      connectionTimeout: 10_000,
      // Socket inactivity, not total time: a big part on a slow link may take minutes.
      socketTimeout: options.stallTimeoutMs ?? STALL_TIMEOUT_MS,
    }),
  });
}

/**
 * The SDK logs every failed request with its whole input (error) and warns that streaming requests
 * are not retried: the queue handles and reports both, so only other warnings get through.
 */
function quietLogger(log: Logger) {
  return {
    trace: () => undefined,
    debug: () => undefined,
    info: () => undefined,
    warn: (...args: unknown[]) => {
      if (typeof args[0] === 'string' && args[0].includes('non-retryable streaming request')) return;
      const [first, ...rest] = args;
      log.warn(
        `aws-sdk: ${typeof first === 'string' ? first : String(JSON.stringify(first))}`,
        rest.length > 0 ? { details: rest } : undefined,
      );
    },
    error: () => undefined,
  };
}

// ---------- PutObject of a small in-memory body ----------

export interface PutBufferInput {
  Bucket: string;
  Key: string;
  Body: Buffer;
  /** base64 CRC32 of Body: S3 verifies the bytes against it. */
  ChecksumCRC32: string;
  ContentType?: string;
  /** User metadata, sent as x-amz-meta-<name>. */
  Metadata?: Record<string, string>;
}

export interface PutBufferOutput {
  ETag?: string;
  /** The CRC32 S3 stored (absent if it does not say). */
  ChecksumCRC32?: string;
  VersionId?: string;
}

/** An error S3 answered with, shaped like the SDK's (name and Code = S3's code, $metadata.httpStatusCode). */
export class S3ResponseError extends Error {
  readonly Code: string;
  readonly $fault: 'client' | 'server';
  readonly $metadata: {
    httpStatusCode: number;
    requestId?: string;
    extendedRequestId?: string;
    attempts: number;
    totalRetryDelay: number;
  };

  constructor(code: string, message: string, status: number, requestId?: string, extendedRequestId?: string) {
    super(message || code);
    this.name = code;
    this.Code = code;
    this.$fault = status >= 500 ? 'server' : 'client';
    this.$metadata = {
      httpStatusCode: status,
      attempts: 1,
      totalRetryDelay: 0,
      ...(requestId ? { requestId } : {}),
      ...(extendedRequestId ? { extendedRequestId } : {}),
    };
  }
}

/**
 * PutObject of a body already in memory (small files), built from the SDK's own parts: its endpoint
 * rules, credential provider, SigV4 signer, clock-skew correction and HTTP handler (same sockets,
 * timeouts, abort). What it skips is the per-request middleware stack, most of what a 4 KiB file costs.
 * The request is what the SDK sends for a body it does not hash: UNSIGNED-PAYLOAD, Content-Length,
 * x-amz-checksum-crc32 (S3 refuses bytes that do not match it). An endpoint that needs more than plain
 * SigV4 (S3 Express, access points, custom endpoint headers) goes through the SDK as usual.
 */
export async function putBuffer(
  routes: PutRoutes,
  s3: S3Client,
  input: PutBufferInput,
  signal: AbortSignal,
): Promise<PutBufferOutput> {
  const route = await routes.for(s3, input.Bucket);
  if (!route) {
    const res = await s3.send(new PutObjectCommand({ ...input, ContentLength: input.Body.length }), {
      abortSignal: signal,
    });
    return {
      ...(res.ETag ? { ETag: res.ETag } : {}),
      ...(res.ChecksumCRC32 ? { ChecksumCRC32: res.ChecksumCRC32 } : {}),
      ...(res.VersionId ? { VersionId: res.VersionId } : {}),
    };
  }
  signal.throwIfAborted();
  const request = putRequest(route, input.Key, { 'x-id': 'PutObject' }, input.Body, {
    'content-type': input.ContentType ?? 'application/octet-stream',
    ...Object.fromEntries(
      Object.entries(input.Metadata ?? {}).map(([name, value]) => [`x-amz-meta-${name.toLowerCase()}`, value]),
    ),
    'content-length': String(input.Body.length),
    'x-amz-checksum-crc32': input.ChecksumCRC32,
    // S3 verifies the bytes against the CRC32 above: a SHA-256 of the payload would only cost a
    // second pass over it here and in S3 (what the SDK itself sends for bodies it does not hash).
    'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
  });
  const header = await sendSigned(route, s3, request, signal);
  const etag = header('etag');
  const checksum = header('x-amz-checksum-crc32');
  const version = header('x-amz-version-id');
  return {
    ...(etag ? { ETag: etag } : {}),
    ...(checksum ? { ChecksumCRC32: checksum } : {}),
    ...(version ? { VersionId: version } : {}),
  };
}

/** A PUT of `key` in the route's bucket: the request an object write and a part both start from. */
export function putRequest(
  route: Route,
  key: string,
  query: Record<string, string>,
  body: Buffer | Readable,
  headers: Record<string, string>,
): HttpRequest {
  return new HttpRequest({
    method: 'PUT',
    protocol: route.protocol,
    hostname: route.hostname,
    ...(route.port !== undefined ? { port: route.port } : {}),
    path: `${route.basePath}/${key.split('/').map(extendedEncodeURIComponent).join('/')}`,
    query,
    headers: { host: route.host, ...headers, 'user-agent': USER_AGENT },
    body,
  });
}

/**
 * Signs `request` with the route's signer at the client's corrected clock, sends it through the client's
 * request handler and reads the answer: its headers on success (a getter; empty values count as absent),
 * else S3's error, shaped as the SDK's. Every answer's Date corrects the clock, as the SDK does.
 */
export async function sendSigned(
  route: Route,
  s3: S3Client,
  request: HttpRequest,
  signal: AbortSignal,
): Promise<(name: string) => string | undefined> {
  const config = s3.config as unknown as { systemClockOffset?: number };
  const signed = await route.signer.sign(request, {
    signingDate: new Date(Date.now() + (config.systemClockOffset ?? 0)),
  });
  const { response } = await s3.config.requestHandler.handle(signed as HttpRequest, { abortSignal: signal });
  const body = await readSmall(response.body as Readable | undefined);
  const header = (name: string): string | undefined => {
    const v = response.headers[name];
    return v === undefined || v === '' ? undefined : v;
  };
  // A server clock 5 minutes or more away from ours resets the offset.
  const date = header('date');
  if (date) config.systemClockOffset = updatedClockOffset(date, config.systemClockOffset ?? 0);
  if (response.statusCode >= 200 && response.statusCode < 300) return header;
  const error = errorDocument(body);
  const thrown = new S3ResponseError(
    error.Code ?? statusCodeName(response.statusCode),
    error.Message ?? '',
    response.statusCode,
    header('x-amz-request-id') ?? error.RequestId,
    header('x-amz-id-2') ?? error.HostId,
  );
  // As the SDK's errors carry them: RequestTimeTooSkewed's times say how far off the clock is.
  throw Object.assign(
    thrown,
    error.ServerTime ? { ServerTime: error.ServerTime } : {},
    error.RequestTime ? { RequestTime: error.RequestTime } : {},
  );
}

interface ErrorDocument {
  Code?: string;
  Message?: string;
  RequestId?: string;
  HostId?: string;
  RequestTime?: string;
  ServerTime?: string;
}

// Values kept as text (a Code of "404" stays a string), entities decoded.
const errorXml = new XMLParser({ parseTagValue: false, ignoreDeclaration: true });

/** S3's <Error> document; anything else (an empty body, a proxy's HTML) gives no fields. */
function errorDocument(body: Buffer): ErrorDocument {
  try {
    const doc = errorXml.parse(body.toString('utf8')) as { Error?: unknown };
    if (typeof doc.Error !== 'object' || doc.Error === null) return {};
    const fields: ErrorDocument = {};
    for (const name of ['Code', 'Message', 'RequestId', 'HostId', 'RequestTime', 'ServerTime'] as const) {
      const value = (doc.Error as Record<string, unknown>)[name];
      if (typeof value === 'string' && value !== '') fields[name] = value;
    }
    return fields;
  } catch {
    return {};
  }
}

export const USER_AGENT = 'hoist aws-sdk-js-parts';
const CLOCK_SKEW_MS = 5 * 60_000;

function updatedClockOffset(date: string, offset: number): number {
  const server = Date.parse(date);
  if (Number.isNaN(server)) return offset;
  return Math.abs(Date.now() + offset - server) >= CLOCK_SKEW_MS ? server - Date.now() : offset;
}

function statusCodeName(status: number): string {
  return status === 404
    ? 'NotFound'
    : status === 403
      ? 'Forbidden'
      : status === 400
        ? 'BadRequest'
        : status >= 500
          ? 'InternalError'
          : 'Unknown';
}

/** A response body of at most 64 KiB (PutObject answers with nothing, errors with a short XML). */
async function readSmall(body: Readable | undefined): Promise<Buffer> {
  if (!body) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total <= 64 * 1024) chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export interface Route {
  protocol: string;
  hostname: string;
  port: number | undefined;
  host: string;
  /** The endpoint's path ('' or '/bucket' for path-style requests), without a trailing slash. */
  basePath: string;
  signer: SignatureV4;
}

/**
 * Where PutObject requests for a bucket go and how they are signed, from the SDK's endpoint rules: learnt
 * once per client and bucket, kept for the engine's life (created by createEngine, given to putBuffer).
 */
export class PutRoutes {
  private routes = new WeakMap<S3Client, Map<string, Promise<Route | undefined>>>();

  for(s3: S3Client, bucket: string): Promise<Route | undefined> {
    let byBucket = this.routes.get(s3);
    if (!byBucket) this.routes.set(s3, (byBucket = new Map()));
    let route = byBucket.get(bucket);
    if (!route) {
      route = resolveRoute(s3, bucket);
      byBucket.set(bucket, route);
      // A failure (e.g. the region provider) is not cached: the next request asks again.
      route.catch(() => byBucket.delete(bucket));
    }
    return route;
  }

  /** Forgets every route (the clients they were learnt from are gone). */
  stop(): void {
    this.routes = new WeakMap();
  }
}

async function resolveRoute(s3: S3Client, bucket: string): Promise<Route | undefined> {
  const config = s3.config;
  // The key does not take part in S3's endpoint rules (their cache ignores it); any key gives the bucket's endpoint.
  const endpoint = await getEndpointFromInstructions({ Bucket: bucket, Key: 'k' }, PutObjectCommand, { ...config });
  const schemes = (endpoint.properties?.authSchemes ?? []) as Array<{
    name?: string;
    signingName?: string;
    signingRegion?: string;
    disableDoubleEncoding?: boolean;
  }>;
  const scheme = schemes[0];
  const headers = endpoint.headers ?? {};
  if (!scheme || scheme.name !== 'sigv4' || scheme.disableDoubleEncoding !== true || Object.keys(headers).length > 0)
    return undefined;
  if (endpoint.url.search || endpoint.url.username || endpoint.url.password) return undefined;
  const port = endpoint.url.port ? Number(endpoint.url.port) : undefined;
  return {
    protocol: endpoint.url.protocol,
    hostname: endpoint.url.hostname,
    port,
    host: endpoint.url.hostname + (port !== undefined ? `:${port}` : ''),
    basePath: endpoint.url.pathname.replace(/\/$/, ''),
    signer: new SignatureV4({
      credentials: config.credentials,
      region: scheme.signingRegion ?? (await config.region()),
      service: scheme.signingName ?? 's3',
      sha256: config.sha256,
      uriEscapePath: false,
      applyChecksum: true,
    }),
  };
}
