// One keep-alive connection pool per target (an S3 endpoint, Cognito, the broker), direct or through
// a proxy with hpagent, which tunnels with CONNECT and sends Basic credentials from the proxy URL.
// The pool keeps its sockets through the proxy: a CONNECT per socket, not per request.
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { HttpProxyAgent, HttpsProxyAgent } from 'hpagent';
import { explainNetworkError } from './errors.js';

export interface PoolOptions {
  maxSockets: number;
  /** Idle sockets kept (default: maxSockets). */
  maxFreeSockets?: number;
}

type ConnectionCallback = (error: Error | null, socket?: unknown) => void;
type Connecting = {
  createConnection: (options: { host?: string; port?: number }, callback: ConnectionCallback) => unknown;
};

export function createAgent(
  target: URL,
  proxy: URL | undefined,
  ca: string[] | undefined,
  pool: PoolOptions,
): HttpAgent {
  const options = {
    keepAlive: true,
    keepAliveMsecs: 15_000,
    maxSockets: pool.maxSockets,
    maxFreeSockets: pool.maxFreeSockets ?? pool.maxSockets,
    ...(ca ? { ca } : {}),
  };
  const https = target.protocol === 'https:';
  if (!proxy) return https ? new HttpsAgent(options) : new HttpAgent(options);
  // The extra CAs also check an https:// proxy's own certificate.
  const viaProxy = { ...options, proxy, proxyRequestOptions: ca ? { ca } : {} };
  const agent = https ? new HttpsProxyAgent(viaProxy) : new HttpProxyAgent(viaProxy);
  explainConnectFailures(agent as unknown as Connecting, proxy);
  return agent;
}

/** hpagent reports a refused CONNECT as "Bad response: 407": say which proxy and what to do. */
function explainConnectFailures(agent: Connecting, proxy: URL): void {
  const connect = agent.createConnection.bind(agent);
  agent.createConnection = (options, callback) =>
    connect(options, (error, socket) =>
      callback(error ? (explainNetworkError(error, `${options.host}:${options.port}`, proxy) as Error) : null, socket),
    );
}
