// The broker as an AWS Lambda function behind a function URL or an API Gateway HTTP API (payload format
// 2.0, the same event shape for both). Meant for the stateless mode (HOIST_BROKER_SEAL_KEY, OpenID sign-in):
// no disk, so any number of concurrent instances serve the same people. Configured by the same environment
// variables as main.ts. Each instance starts the ordinary broker once on a loopback port and passes every
// event to it over HTTP, so the Lambda runs exactly the code (routing, limits, errors) the server does.
import { brokerOptionsFromEnv } from './config.js';
import { startBroker, type RunningBroker } from './index.js';
import { jsonLogger } from './logger.js';

/** The parts of the 2.0 event (function URL or HTTP API) the broker uses. */
export interface HttpEventV2 {
  rawPath: string;
  rawQueryString?: string;
  headers?: Record<string, string | undefined>;
  body?: string;
  isBase64Encoded?: boolean;
  requestContext: { http: { method: string; sourceIp: string } };
}

export interface HttpResultV2 {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  isBase64Encoded: boolean;
}

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-length',
  'host',
  'x-forwarded-for',
  'upgrade',
  'expect',
]);

let running: Promise<RunningBroker> | undefined;

function broker(): Promise<RunningBroker> {
  running ??= startBroker({
    ...brokerOptionsFromEnv(process.env),
    host: '127.0.0.1',
    port: 0,
    trustProxy: true,
    logger: jsonLogger(),
  }).catch((error: unknown) => {
    running = undefined; // the next invocation tries again
    throw error;
  });
  return running;
}

export async function handler(event: HttpEventV2): Promise<HttpResultV2> {
  const { url } = await broker();
  const target = new URL(`${event.rawPath}${event.rawQueryString ? `?${event.rawQueryString}` : ''}`, url);
  const headers = new Headers();
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (value !== undefined && !HOP_BY_HOP.has(name.toLowerCase())) headers.set(name, value);
  }
  // The address AWS saw, never one the caller wrote into its own X-Forwarded-For (rate limits use it).
  headers.set('x-forwarded-for', event.requestContext.http.sourceIp);
  const method = event.requestContext.http.method.toUpperCase();
  const body =
    event.body === undefined || method === 'GET' || method === 'HEAD'
      ? undefined
      : Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
  const response = await fetch(target, { method, headers, body, redirect: 'manual' });
  const out: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    if (!HOP_BY_HOP.has(name)) out[name] = value;
  });
  return { statusCode: response.status, headers: out, body: await response.text(), isBase64Encoded: false };
}

/** Stops the in-process broker (Lambda itself just freezes the instance; tests and local runs call this). */
export async function shutdown(): Promise<void> {
  const current = running;
  running = undefined;
  await (await current)?.close();
}
