// The identity broker: the company's sign-in backend for Hoist (developer-authenticated Cognito identities).
// HTTP API: docs/ARCHITECTURE.md, Contracts: broker HTTP API. Depends on its UserStore and Cognito only;
// deployed on its own, never imports the app.
import type { Server } from 'node:http';
import { createWebServer, listen, type TlsOptions } from '../common/listen.js';
import { createBrokerApp } from './app.js';
import { createCognitoTokenIssuer, type CognitoOptions, type OpenIdTokenIssuer } from './cognito.js';
import { jsonLogger, type Logger } from './logger.js';
import { createOidcSignIn, type OidcOptions, type OidcSignIn } from './oidc.js';
import { DEFAULT_RATE_LIMIT, SignInLimiter, type RateLimitOptions } from './rate-limit.js';
import { createSealer } from './sealed-tokens.js';
import { SessionService, type Sessions } from './sessions.js';
import { StatelessSessions } from './stateless-sessions.js';
import type { UserStore } from './store.js';

export { createBrokerApp, type BrokerAppDeps } from './app.js';
export { createCognitoTokenIssuer, type CognitoOptions, type OpenIdTokenIssuer } from './cognito.js';
export { hashPassword, verifyPassword } from './passwords.js';
export { SessionService, type Session, type Sessions } from './sessions.js';
export { StatelessSessions } from './stateless-sessions.js';
export { createSealer, parseSealKey } from './sealed-tokens.js';
export type { User, UserStore } from './store.js';
export { jsonLogger, silentLogger, type Logger } from './logger.js';
export { createOidcSignIn, developerUserId, type OidcOptions, type OidcSignIn } from './oidc.js';

export const DEFAULT_REFRESH_TOKEN_LIFETIME_SECONDS = 30 * 24 * 3600;
export const DEFAULT_REFRESH_TOKEN_MAX_AGE_SECONDS = 90 * 24 * 3600;
/** Sealed refresh tokens cannot be revoked, so they live much shorter (docs/ARCHITECTURE.md, Contracts: broker HTTP API). */
export const DEFAULT_STATELESS_REFRESH_TOKEN_LIFETIME_SECONDS = 12 * 3600;
export const DEFAULT_STATELESS_SESSION_MAX_AGE_SECONDS = 7 * 24 * 3600;

/** No local state: OpenID sign-in only, refresh tokens sealed with this key (sealed-tokens.ts). */
export interface StatelessOptions {
  sealKey: Uint8Array;
  /** Older keys still accepted for opening tokens, so the key can be rotated without signing everyone out. */
  previousSealKeys?: Uint8Array[];
  /** Default 7 days. */
  sessionMaxAgeSeconds?: number;
}

export interface BrokerOptions {
  /** Default 127.0.0.1; use 0.0.0.0 behind a load balancer. */
  host?: string;
  /** Default 0 (any free port). */
  port?: number;
  /** No user table and no refresh-token rows: needs `oidc`, and password sign-in is off. */
  stateless?: StatelessOptions;
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
  /** Sign-in through the company's OpenID Connect provider. */
  oidc?: OidcOptions;
  /** Username and password sign-in (default on; off answers 403 password_sign_in_disabled). */
  passwordSignIn?: boolean;
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
  const { stateless } = options;
  if (stateless && !options.oidc)
    throw new Error('a stateless broker needs an OpenID provider (it has no user table for passwords)');
  if (stateless && options.passwordSignIn === true)
    throw new Error('a stateless broker cannot check passwords (it has no user table)');
  const ownsStore = options.store === undefined && !stateless;
  if (ownsStore && !options.dbPath) throw new Error('startBroker needs a store or a dbPath');
  // Loaded only when used: the stateless broker (a Lambda bundle) ships without the native SQLite module.
  const store = stateless
    ? undefined
    : (options.store ?? new (await import('./sqlite-store.js')).SqliteUserStore(options.dbPath ?? ''));
  const issuer = options.issuer ?? createCognitoTokenIssuer(options.cognito, now);
  const place = {
    region: options.cognito.region,
    identityPoolId: options.cognito.identityPoolId,
    bucket: options.bucket,
    ...(options.endpoints ? { endpoints: options.endpoints } : {}),
  };
  const sessions: Sessions = store
    ? new SessionService({
        store,
        issuer,
        limiter: new SignInLimiter(store, { ...DEFAULT_RATE_LIMIT, ...options.rateLimit }),
        settings: {
          ...place,
          refreshTokenLifetimeSeconds: options.refreshTokenLifetimeSeconds ?? DEFAULT_REFRESH_TOKEN_LIFETIME_SECONDS,
          refreshTokenMaxAgeSeconds: options.refreshTokenMaxAgeSeconds ?? DEFAULT_REFRESH_TOKEN_MAX_AGE_SECONDS,
        },
        logger,
        now,
      })
    : new StatelessSessions({
        issuer,
        sealer: createSealer(stateless!.sealKey, stateless!.previousSealKeys),
        settings: {
          ...place,
          refreshTokenLifetimeSeconds:
            options.refreshTokenLifetimeSeconds ?? DEFAULT_STATELESS_REFRESH_TOKEN_LIFETIME_SECONDS,
          sessionMaxAgeSeconds: stateless!.sessionMaxAgeSeconds ?? DEFAULT_STATELESS_SESSION_MAX_AGE_SECONDS,
        },
        logger,
        now,
      });
  const oidc: OidcSignIn | undefined = options.oidc ? createOidcSignIn(options.oidc) : undefined;
  const passwordSignIn = stateless ? false : (options.passwordSignIn ?? true);
  const server = createWebServer(
    options.tls,
    {},
    createBrokerApp({
      sessions,
      logger,
      trustProxy: options.trustProxy ?? false,
      ...(oidc ? { oidc } : {}),
      passwordSignIn,
    }),
  );
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  const url = await listen(server, options.port ?? 0, options.host ?? '127.0.0.1');

  const prune = (): void => {
    store?.prune(now()).catch(() => logger.warn('prune_failed'));
  };
  prune();
  const pruneTimer = store ? setInterval(prune, PRUNE_INTERVAL_MS).unref() : undefined;

  let closing: Promise<void> | undefined;
  return {
    url,
    close() {
      closing ??= (async () => {
        clearInterval(pruneTimer);
        await stopServer(server);
        if (!options.issuer) issuer.destroy();
        if (ownsStore) await store?.close();
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
