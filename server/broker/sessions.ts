// Sign-in, refresh and sign-out: the broker's rules, independent of HTTP. Refresh tokens rotate on every
// use; presenting one that was already used is treated as theft and revokes the whole family.
import type { OpenIdTokenIssuer } from './cognito.js';
import type { Logger } from './logger.js';
import { UNKNOWN_USER_HASH, verifyPassword } from './passwords.js';
import { SignInLimiter } from './rate-limit.js';
import { hashRefreshToken, newRefreshToken } from './refresh-tokens.js';
import type { User, UserStore } from './store.js';

export interface SessionSettings {
  region: string;
  identityPoolId: string;
  bucket: string;
  /** Sliding: each refresh token expires this long after it was issued. */
  refreshTokenLifetimeSeconds: number;
  /** Absolute: no token of a family outlives its first sign-in by more than this; then the user signs in again. */
  refreshTokenMaxAgeSeconds: number;
  /** Only when not talking to real AWS (docs/ARCHITECTURE.md, Contracts: broker HTTP API). */
  endpoints?: { cognitoIdentity: string; s3: string };
}

export interface Session {
  identityId: string;
  token: string;
  tokenExpiresAt: string;
  refreshToken: string;
  refreshTokenExpiresAt: string;
  region: string;
  identityPoolId: string;
  bucket: string;
  keyPrefix: string;
  endpoints?: { cognitoIdentity: string; s3: string };
  /** Who signed in, as the provider names them (OpenID sign-in only). */
  username?: string;
}

export class InvalidCredentialsError extends Error {}
export class InvalidRefreshTokenError extends Error {}
/** An OpenID user whom the broker's admin disabled. */
export class UserDisabledError extends Error {}
export class RateLimitedError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super('Too many failed sign-ins');
  }
}

/** What the HTTP API needs from a session service: the SQLite-backed one below, or StatelessSessions. */
export interface Sessions {
  signIn(username: string, password: string, address: string): Promise<Session>;
  signInExternal(user: { userId: string; displayName: string }): Promise<Session>;
  refresh(refreshToken: string): Promise<Session>;
  signOut(refreshToken: string): Promise<void>;
}

export interface SessionDeps {
  store: UserStore;
  issuer: OpenIdTokenIssuer;
  limiter: SignInLimiter;
  settings: SessionSettings;
  logger: Logger;
  now: () => Date;
}

export class SessionService implements Sessions {
  constructor(private readonly deps: SessionDeps) {}

  async signIn(username: string, password: string, address: string): Promise<Session> {
    const { store, limiter, logger } = this.deps;
    const now = this.deps.now();
    const keys = SignInLimiter.keys(username, address);
    const reservation = await limiter.reserve(keys, now);
    if (reservation.retryAfter > 0) {
      logger.warn('sign_in_rate_limited', { address });
      throw new RateLimitedError(reservation.retryAfter);
    }
    const user = await store.findUserByName(username);
    // Always run scrypt, so an unknown username answers as slowly as a wrong password.
    const passwordOk = await verifyPassword(password, user?.passwordHash ?? UNKNOWN_USER_HASH);
    if (!user || !passwordOk || user.disabled) {
      // The reservation stays: it is the recorded failure.
      logger.info('sign_in_failed', {
        address,
        reason: !user ? 'unknown_user' : user.disabled ? 'disabled' : 'wrong_password',
      });
      throw new InvalidCredentialsError();
    }
    await limiter.succeeded(keys, reservation);
    const openId = await this.deps.issuer.issue(user.id);
    const refreshToken = newRefreshToken();
    const refreshExpiresAt = this.refreshExpiry(now, now);
    await store.createSession(user.id, hashRefreshToken(refreshToken), refreshExpiresAt, now);
    logger.info('sign_in', { userId: user.id, address });
    return this.session(openId, refreshToken, refreshExpiresAt);
  }

  /** Someone the OpenID provider vouched for (oidc.ts checked the token): a session like a password user's. */
  async signInExternal(user: { userId: string; displayName: string }): Promise<Session> {
    const { store, logger } = this.deps;
    const now = this.deps.now();
    const stored = await store.ensureExternalUser(user.userId, now);
    if (stored.disabled) {
      logger.info('sign_in_failed', { userId: stored.id, reason: 'disabled' });
      throw new UserDisabledError();
    }
    const openId = await this.deps.issuer.issue(stored.id);
    const refreshToken = newRefreshToken();
    const refreshExpiresAt = this.refreshExpiry(now, now);
    await store.createSession(stored.id, hashRefreshToken(refreshToken), refreshExpiresAt, now);
    logger.info('sign_in', { userId: stored.id, method: 'oidc' });
    return { ...this.session(openId, refreshToken, refreshExpiresAt), username: user.displayName };
  }

  async refresh(refreshToken: string): Promise<Session> {
    const { store, logger } = this.deps;
    const now = this.deps.now();
    const record = await store.findRefreshToken(hashRefreshToken(refreshToken));
    if (!record || record.familyRevokedAt) throw new InvalidRefreshTokenError();
    if (record.usedAt) {
      await store.revokeFamily(record.familyId, now);
      logger.warn('refresh_token_reuse', { userId: record.userId, family: record.familyId });
      throw new InvalidRefreshTokenError();
    }
    // Both ages: tokens issued before a maximum age was set carry a sliding expiry only.
    const familyEnd = record.familyCreatedAt.getTime() + this.deps.settings.refreshTokenMaxAgeSeconds * 1000;
    if (Math.min(record.expiresAt.getTime(), familyEnd) <= now.getTime()) throw new InvalidRefreshTokenError();
    const user = await store.findUserById(record.userId);
    if (!usable(user)) {
      await store.revokeFamily(record.familyId, now);
      throw new InvalidRefreshTokenError();
    }
    // Ask Cognito first: if it fails the client keeps a token it can still use.
    const openId = await this.deps.issuer.issue(user.id);
    const next = newRefreshToken();
    const nextExpiresAt = this.refreshExpiry(now, record.familyCreatedAt);
    if (!(await store.rotateRefreshToken(record.tokenHash, hashRefreshToken(next), nextExpiresAt, now))) {
      // Another request spent this token in the meantime: a replay all the same.
      await store.revokeFamily(record.familyId, now);
      logger.warn('refresh_token_reuse', { userId: user.id, family: record.familyId });
      throw new InvalidRefreshTokenError();
    }
    return this.session(openId, next, nextExpiresAt);
  }

  /** Revokes the token's whole family; unknown tokens are ignored (signing out twice is fine). */
  async signOut(refreshToken: string): Promise<void> {
    const record = await this.deps.store.findRefreshToken(hashRefreshToken(refreshToken));
    if (!record) return;
    await this.deps.store.revokeFamily(record.familyId, this.deps.now());
    this.deps.logger.info('sign_out', { userId: record.userId });
  }

  private refreshExpiry(now: Date, familyCreatedAt: Date): Date {
    const { refreshTokenLifetimeSeconds, refreshTokenMaxAgeSeconds } = this.deps.settings;
    return new Date(
      Math.min(
        now.getTime() + refreshTokenLifetimeSeconds * 1000,
        familyCreatedAt.getTime() + refreshTokenMaxAgeSeconds * 1000,
      ),
    );
  }

  private session(
    openId: { identityId: string; token: string; expiresAt: Date },
    refreshToken: string,
    refreshExpiresAt: Date,
  ): Session {
    const { settings } = this.deps;
    return {
      identityId: openId.identityId,
      token: openId.token,
      tokenExpiresAt: openId.expiresAt.toISOString(),
      refreshToken,
      refreshTokenExpiresAt: refreshExpiresAt.toISOString(),
      region: settings.region,
      identityPoolId: settings.identityPoolId,
      bucket: settings.bucket,
      keyPrefix: `uploads/${openId.identityId}/`,
      ...(settings.endpoints ? { endpoints: settings.endpoints } : {}),
    };
  }
}

function usable(user: User | undefined): user is User {
  return user !== undefined && !user.disabled;
}
