// The identity broker: the company's sign-in backend for Hoist (developer-authenticated Cognito identities).
// HTTP API: docs/ARCHITECTURE.md, Contracts: broker HTTP API. Depends on its UserStore and Cognito only;
// deployed on its own, never imports the app.
import type { Server } from 'node:http';
import { createWebServer, listen, type TlsOptions } from '../common/listen.js';
import { createBrokerApp } from './app.js';
import { createCognitoTokenIssuer, type CognitoOptions, type OpenIdTokenIssuer } from './cognito.js';
import { jsonLogger, type Logger } from './logger.js';
import { DEFAULT_RATE_LIMIT, SignInLimiter, type RateLimitOptions } from './rate-limit.js';
import { SessionService } from './sessions.js';
import { SqliteUserStore } from './sqlite-store.js';
import type { UserStore } from './store.js';

export { createBrokerApp, type BrokerAppDeps } from './app.js';
export { createCognitoTokenIssuer, type CognitoOptions, type OpenIdTokenIssuer } from './cognito.js';
export { hashPassword, verifyPassword } from './passwords.js';
export { SessionService, type Session } from './sessions.js';
export { SqliteUserStore } from './sqlite-store.js';
export type { User, UserStore } from './store.js';
export { jsonLogger, silentLogger, type Logger } from './logger.js';

export const DEFAULT_REFRESH_TOKEN_LIFETIME_SECONDS = 30 * 24 * 3600;
export const DEFAULT_REFRESH_TOKEN_MAX_AGE_SECONDS = 90 * 24 * 3600;

export interface BrokerOptions {
  /** Default 127.0.0.1; use 0.0.0.0 behind a load balancer. */
  host?: string;
  /** Default 0 (any free port). */
  port?: number;
  /** The user store; or `dbPath` for the default SQLite one (then closed with the broker). */
  store?: UserStore;
  dbPath?: string;
  cognito: CognitoOptions;
  /** Replaces the Cognito client (tests, other identity back-ends). */
  issuer?: OpenIdTokenIssuer;
  bucket: string;
  /** Told to clients only when not talking to real AWS (the local stack). */
  endpoints?: { cognitoIdentity: string; s3: string };
  refreshTokenLifetimeSeconds?: number;
  /** Absolute maximum age of a session family, however often it is refreshed (default 90 days). */
  refreshTokenMaxAgeSeconds?: number;
  rateLimit?: Partial<RateLimitOptions>;
  /** Read the client address from X-Forwarded-For: only behind a proxy that sets it. */
  trustProxy?: boolean;
  /** Serve HTTPS with this key and certificate (the local stack's --tls; real deployments terminate TLS in front). */
  tls?: TlsOptions;
  logger?: Logger;
  now?: () => Date;
}

export interface RunningBroker {
  url: string;
  close(): Promise<void>;
}

const PRUNE_INTERVAL_MS = 3600 * 1000;
/** How long close() lets requests in flight finish before cutting their connections. */
const DRAIN_MS = 5000;

export async function startBroker(options: BrokerOptions): Promise<RunningBroker> {
  const now = options.now ?? (() => new Date());
  const logger = options.logger ?? jsonLogger();
  const ownsStore = options.store === undefined;
  if (ownsStore && !options.dbPath) throw new Error('startBroker needs a store or a dbPath');
  const store = options.store ?? new SqliteUserStore(options.dbPath ?? '');
  const issuer = options.issuer ?? createCognitoTokenIssuer(options.cognito, now);
  const sessions = new SessionService({
    store,
    issuer,
    limiter: new SignInLimiter(store, { ...DEFAULT_RATE_LIMIT, ...options.rateLimit }),
    settings: {
      region: options.cognito.region,
      identityPoolId: options.cognito.identityPoolId,
      bucket: options.bucket,
      refreshTokenLifetimeSeconds: options.refreshTokenLifetimeSeconds ?? DEFAULT_REFRESH_TOKEN_LIFETIME_SECONDS,
      refreshTokenMaxAgeSeconds: options.refreshTokenMaxAgeSeconds ?? DEFAULT_REFRESH_TOKEN_MAX_AGE_SECONDS,
      ...(options.endpoints ? { endpoints: options.endpoints } : {}),
    },
    logger,
    now,
  });
  const server = createWebServer(options.tls, {}, createBrokerApp({ sessions, logger, trustProxy: options.trustProxy ?? false }));
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  const url = await listen(server, options.port ?? 0, options.host ?? '127.0.0.1');

  const prune = (): void => {
    store.prune(now()).catch(() => logger.warn('prune_failed'));
  };
  prune();
  const pruneTimer = setInterval(prune, PRUNE_INTERVAL_MS).unref();

  let closing: Promise<void> | undefined;
  return {
    url,
    close() {
      closing ??= (async () => {
        clearInterval(pruneTimer);
        await stopServer(server);
        if (!options.issuer) issuer.destroy();
        if (ownsStore) await store.close();
      })();
      return closing;
    },
  };
}

/** Stops accepting, lets requests in flight finish (up to DRAIN_MS), then cuts what is left. */
function stopServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => server.closeAllConnections(), DRAIN_MS).unref();
    server.close(() => {
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
  });
}
