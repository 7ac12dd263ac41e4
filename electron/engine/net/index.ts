// electron/engine/net: every connection Hoist makes goes through here, so that the proxy (Settings,
// HTTPS_PROXY/HTTP_PROXY/NO_PROXY, or the operating system's) and the trusted authorities (the
// defaults plus caFile / HOIST_CA_BUNDLE / AWS_CA_BUNDLE) apply to S3, Cognito and the broker alike
// (docs/ARCHITECTURE.md, The network layer). Plain Node: the desktop app hands in Electron's proxy
// resolver as a function. Depends on hpagent and the SDK's NodeHttpHandler only.
import type { Agent } from 'node:http';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { HttpHandlerOptions } from '@smithy/types';
import type { HttpRequest } from '@smithy/protocol-http';
import { createAgent, type PoolOptions } from './agents.js';
import { trustedCas } from './ca-bundle.js';
import { explainNetworkError } from './errors.js';
import { fetchWith, type Fetch, type FetchInit } from './http-fetch.js';
import { proxyFor, type ProxySources } from './proxy.js';

export { ProxyRefusedError, UntrustedCertificateError } from './errors.js';
export type { Fetch, FetchAnswer, FetchInit } from './http-fetch.js';

export interface NetworkOptions {
  env?: Readonly<Record<string, string | undefined>>;
  /** The network settings in effect (read at each new pool). */
  settings?: () => { proxyUrl?: string | null; caFile?: string | null };
  /** The manual proxy's password, kept in the keychain. */
  proxyPassword?: () => Promise<string | undefined>;
  /** The operating system's proxy for a URL, in PAC form (Electron's session.resolveProxy). */
  systemProxy?: (url: string) => Promise<string>;
  /** Loopback targets go direct whatever the proxy settings (the built-in local cloud runs in-process). */
  directToLoopback?: boolean;
}

export interface Route {
  agent: Agent;
  proxy: URL | undefined;
}

export interface Network {
  /** A new keep-alive pool for `target`, through its proxy. */
  route(target: URL, pool: PoolOptions): Promise<Route>;
  /** The AWS SDK's request handler for clients of one endpoint (`target`). */
  sdkHandler(
    target: URL,
    options: PoolOptions & { connectionTimeout?: number; socketTimeout?: number },
  ): NodeHttpHandler;
  /** fetch over one shared pool per origin (the broker). */
  fetch: Fetch;
  /** Forget the pools fetch keeps (the settings changed). */
  reset(): void;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|\[::1\]|localhost)$/i;

export function createNetwork(options: NetworkOptions = {}): Network {
  const env = options.env ?? process.env;
  const sources = (): ProxySources => ({
    env,
    manual: async () => manualProxy(options.settings?.().proxyUrl, options.proxyPassword),
    ...(options.systemProxy ? { system: options.systemProxy } : {}),
  });

  async function route(target: URL, pool: PoolOptions): Promise<Route> {
    const direct = options.directToLoopback === true && LOOPBACK.test(target.hostname);
    const proxy = direct ? undefined : await proxyFor(target, sources());
    // Authorities matter only to a pool that speaks TLS (to the target or to its proxy): plain http on
    // this computer neither reads nor parses the bundle.
    const speaksTls = target.protocol === 'https:' || proxy?.protocol === 'https:';
    const ca = speaksTls ? await trustedCas({ env, settingsFile: options.settings?.().caFile ?? null }) : undefined;
    return { agent: createAgent(target, proxy, ca, pool), proxy };
  }

  const fetchPools = new Map<string, Promise<Route>>();
  const fetch: Fetch = async (url: URL, init: FetchInit) => {
    let pending = fetchPools.get(url.origin);
    if (!pending) {
      pending = route(url, { maxSockets: 4 });
      fetchPools.set(url.origin, pending);
      pending.catch(() => fetchPools.delete(url.origin)); // a bad setting is read again next time
    }
    const { agent, proxy } = await pending;
    try {
      return await fetchWith(agent, url, init);
    } catch (error) {
      throw explainNetworkError(error, url.host, proxy);
    }
  };

  return {
    route,
    fetch,
    sdkHandler(target, handlerOptions) {
      let proxy: URL | undefined;
      // The provider runs once, at the first request: a bad CA file or proxy setting fails every request with its reason.
      const handler = new NodeHttpHandler(async () => {
        const pool = await route(target, handlerOptions);
        proxy = pool.proxy;
        return {
          httpAgent: pool.agent,
          httpsAgent: pool.agent,
          ...(handlerOptions.connectionTimeout !== undefined
            ? { connectionTimeout: handlerOptions.connectionTimeout }
            : {}),
          ...(handlerOptions.socketTimeout !== undefined ? { socketTimeout: handlerOptions.socketTimeout } : {}),
        };
      });
      const handle = handler.handle.bind(handler);
      handler.handle = async (request: HttpRequest, handleOptions?: HttpHandlerOptions) => {
        try {
          return await handle(request, handleOptions);
        } catch (error) {
          throw explainNetworkError(error, `${request.hostname}${request.port ? `:${request.port}` : ''}`, proxy);
        }
      };
      return handler;
    },
    reset() {
      for (const pending of fetchPools.values())
        void pending.then(
          ({ agent }) => agent.destroy(),
          () => undefined,
        );
      fetchPools.clear();
    },
  };
}

/** The manual proxy URL with its keychain password put in (the settings file holds no password). */
async function manualProxy(
  url: string | null | undefined,
  password: (() => Promise<string | undefined>) | undefined,
): Promise<string | undefined> {
  if (!url) return undefined;
  const secret = await password?.();
  if (!secret) return url;
  const withPassword = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `http://${url}`);
  withPassword.password = encodeURIComponent(secret);
  return withPassword.toString();
}
