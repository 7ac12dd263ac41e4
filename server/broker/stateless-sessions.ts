// Sessions with no local state (docs/ARCHITECTURE.md, Contracts: broker HTTP API): for OpenID sign-in only,
// the refresh token is sealed (sealed-tokens.ts) instead of stored, so any number of broker instances — or
// Lambda invocations — holding the same seal key serve the same people. What this gives up, said plainly:
// a sealed token cannot be revoked on its own or detected when reused; its short life and the family's
// deadline bound what a stolen one is worth (SECURITY.md, "The stateless broker").
import { randomUUID } from 'node:crypto';
import type { OpenIdTokenIssuer } from './cognito.js';
import type { Logger } from './logger.js';
import type { Sealer } from './sealed-tokens.js';
import {
  InvalidCredentialsError,
  InvalidRefreshTokenError,
  type Session,
  type SessionSettings,
  type Sessions,
} from './sessions.js';

export interface StatelessSettings extends Omit<
  SessionSettings,
  'refreshTokenLifetimeSeconds' | 'refreshTokenMaxAgeSeconds'
> {
  /** Life of one sealed refresh token; each refresh issues the next. */
  refreshTokenLifetimeSeconds: number;
  /** After this long from sign-in, the person signs in again whatever happened in between. */
  sessionMaxAgeSeconds: number;
}

export class StatelessSessions implements Sessions {
  constructor(
    private readonly deps: {
      issuer: OpenIdTokenIssuer;
      sealer: Sealer;
      settings: StatelessSettings;
      logger: Logger;
      now: () => Date;
    },
  ) {}

  async signIn(): Promise<Session> {
    // No user table: passwords cannot be checked. The app refuses before this (password sign-in is off).
    throw new InvalidCredentialsError();
  }

  async signInExternal(user: { userId: string; displayName: string }): Promise<Session> {
    const now = this.deps.now();
    const familyExpiresAt = Math.floor(now.getTime() / 1000) + this.deps.settings.sessionMaxAgeSeconds;
    const session = await this.issue(user.userId, randomUUID(), familyExpiresAt, now);
    this.deps.logger.info('sign_in', { userId: user.userId, method: 'oidc', stateless: true });
    return { ...session, username: user.displayName };
  }

  async refresh(refreshToken: string): Promise<Session> {
    const now = this.deps.now();
    const claims = await this.deps.sealer.unseal(refreshToken, now);
    if (!claims) throw new InvalidRefreshTokenError();
    return this.issue(claims.userId, claims.familyId, claims.familyExpiresAt, now);
  }

  /** Nothing to revoke: the client forgets the token; it expires on its own. */
  async signOut(): Promise<void> {}

  private async issue(userId: string, familyId: string, familyExpiresAt: number, now: Date): Promise<Session> {
    const { settings } = this.deps;
    const openId = await this.deps.issuer.issue(userId);
    // Never beyond the family's deadline.
    const expiresAt = Math.min(
      Math.floor(now.getTime() / 1000) + settings.refreshTokenLifetimeSeconds,
      familyExpiresAt,
    );
    const refreshToken = await this.deps.sealer.seal({ userId, familyId, familyExpiresAt, expiresAt });
    return {
      identityId: openId.identityId,
      token: openId.token,
      tokenExpiresAt: openId.expiresAt.toISOString(),
      refreshToken,
      refreshTokenExpiresAt: new Date(expiresAt * 1000).toISOString(),
      region: settings.region,
      identityPoolId: settings.identityPoolId,
      bucket: settings.bucket,
      keyPrefix: `uploads/${openId.identityId}/`,
      ...(settings.endpoints ? { endpoints: settings.endpoints } : {}),
    };
  }
}
