// The broker's only state: users, refresh-token families and recent sign-in failures. Behind this
// interface so that a store shared by several broker instances can replace SQLite (see README).
export interface User {
  /** Stable, random: the developer user id Cognito maps to an identity. Never the username. */
  id: string;
  username: string;
  /** `scrypt$N$r$p$salt$hash` (passwords.ts). */
  passwordHash: string;
  disabled: boolean;
  createdAt: Date;
}

export interface RefreshTokenRecord {
  tokenHash: string;
  familyId: string;
  userId: string;
  expiresAt: Date;
  /** Set once the token has been exchanged: a second use is a replay and revokes the family. */
  usedAt: Date | null;
  familyRevokedAt: Date | null;
  /** When the family's first sign-in was: refresh never carries a family past its absolute maximum age. */
  familyCreatedAt: Date;
}

/** Stored instead of a hash for users who sign in through the OpenID provider: no password matches it. */
export const EXTERNAL_PASSWORD_HASH = '!external';

export class UserExistsError extends Error {
  constructor(username: string) {
    super(`A user named ${username} already exists.`);
  }
}

export interface UserStore {
  addUser(username: string, passwordHash: string, now: Date): Promise<User>;
  /**
   * The user signed in through the OpenID provider, with `id` as both id and name and no password
   * (EXTERNAL_PASSWORD_HASH); created on first sign-in, so sessions and `disable-user` work as for others.
   */
  ensureExternalUser(id: string, now: Date): Promise<User>;
  findUserByName(username: string): Promise<User | undefined>;
  findUserById(id: string): Promise<User | undefined>;
  listUsers(): Promise<User[]>;
  /** False when there is no such user. */
  setPasswordHash(username: string, passwordHash: string): Promise<boolean>;
  /** False when there is no such user. */
  setDisabled(username: string, disabled: boolean): Promise<boolean>;
  /** Removes the user and every session of theirs. False when there is no such user. */
  removeUser(username: string): Promise<boolean>;

  /** Starts a new session family with its first refresh token. */
  createSession(userId: string, tokenHash: string, expiresAt: Date, now: Date): Promise<void>;
  findRefreshToken(tokenHash: string): Promise<RefreshTokenRecord | undefined>;
  /**
   * Atomically marks `oldHash` used and adds `newHash` to its family. False (and nothing written) when the old
   * token was already used or its family revoked: that is a replay, even when two requests race.
   */
  rotateRefreshToken(oldHash: string, newHash: string, expiresAt: Date, now: Date): Promise<boolean>;
  revokeFamily(familyId: string, now: Date): Promise<void>;
  /** Revokes every live session family of the user; returns how many. */
  revokeUserSessions(userId: string, now: Date): Promise<number>;

  /**
   * Atomically, also across processes sharing the store: reads the sign-in attempts recorded under each key
   * since its `since` (oldest first), asks `decide` how many seconds the caller must wait, and when that is 0
   * records one attempt at `now` under every key. Checking and recording in one step is what keeps guesses
   * sent all at once from all passing the check.
   */
  reserveSignInAttempt(
    keys: Array<{ key: string; since: Date }>,
    now: Date,
    decide: (attempts: Date[][]) => number,
  ): Promise<{ retryAfter: number; ids: number[] }>;
  /** Removes recorded attempts (a sign-in that succeeded). */
  forgetSignInAttempts(ids: number[]): Promise<void>;
  clearSignInFailures(key: string): Promise<void>;

  /** Drops expired tokens, old families and old failures. */
  prune(now: Date): Promise<void>;
  close(): Promise<void>;
}
