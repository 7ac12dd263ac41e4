// The S3 client Hoist uploads with: one keep-alive agent sized to the request budget, timeouts
// that cut stalled sockets, and no SDK-level retries (the queue retries, see below).
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';

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
}

export function createS3Client(options: S3ClientOptions): S3Client {
  const maxSockets = options.maxSockets ?? DEFAULT_MAX_SOCKETS;
  const agentOptions = { keepAlive: true, keepAliveMsecs: 15_000, maxSockets, maxFreeSockets: maxSockets };
  return new S3Client({
    region: options.region,
    credentials: options.credentials,
    ...(options.endpoint ? { endpoint: options.endpoint, forcePathStyle: true } : {}),
    // The queue owns retries: request bodies are one-shot file streams the SDK cannot replay, and
    // backoff, SlowDown, credential refresh and "waiting for network" need the queue's knowledge.
    maxAttempts: 1,
    logger: quietLogger,
    // WHEN_SUPPORTED (the default) makes the SDK send CRC32 on every upload. For stream bodies it
    // goes as an aws-chunked trailer computed in one pass with Node's native zlib.crc32, and the
    // payload is UNSIGNED (no SHA-256 pass): the cheapest verified upload. It needs a known length,
    // so every body is given ContentLength explicitly.
    requestChecksumCalculation: 'WHEN_SUPPORTED',
    requestHandler: new NodeHttpHandler({
      httpAgent: new HttpAgent(agentOptions),
      httpsAgent: new HttpsAgent(agentOptions),
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
const quietLogger = {
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].includes('non-retryable streaming request')) return;
    console.warn(...args);
  },
  error: () => undefined,
};
