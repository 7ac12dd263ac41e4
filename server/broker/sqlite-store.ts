// The default UserStore: one SQLite file (WAL, so the CLI and several broker processes on the same host can
// use it at once; busy_timeout makes writers wait instead of failing).
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { closeSync, constants, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  EXTERNAL_PASSWORD_HASH,
  UserExistsError,
  type RefreshTokenRecord,
  type User,
  type UserStore,
} from './store.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS users (
  id TEXT PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS session_families (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
);
CREATE INDEX IF NOT EXISTS session_families_user ON session_families(user_id);
CREATE TABLE IF NOT EXISTS refresh_tokens (
  token_hash TEXT PRIMARY KEY,
  family_id TEXT NOT NULL REFERENCES session_families(id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER
);
CREATE INDEX IF NOT EXISTS refresh_tokens_family ON refresh_tokens(family_id);
CREATE TABLE IF NOT EXISTS sign_in_failures (
  key TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS sign_in_failures_key ON sign_in_failures(key, at);
`;

/** Families unused for this long after their last token expired are deleted by prune(). */
const KEEP_DEAD_FAMILIES_MS = 7 * 24 * 3600 * 1000;
const KEEP_FAILURES_MS = 24 * 3600 * 1000;

interface UserRow {
  id: string;
  username: string;
  password_hash: string;
  disabled: number;
  created_at: number;
}

interface TokenRow {
  token_hash: string;
  family_id: string;
  user_id: string;
  expires_at: number;
  used_at: number | null;
  revoked_at: number | null;
  family_created_at: number;
}

export class SqliteUserStore implements UserStore {
  private readonly db: Database.Database;

  constructor(path: string) {
    if (path !== ':memory:') createPrivately(path);
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
  }

  async addUser(username: string, passwordHash: string, now: Date): Promise<User> {
    const user: User = { id: randomUUID(), username, passwordHash, disabled: false, createdAt: now };
    try {
      this.db
        .prepare('INSERT INTO users (id, username, password_hash, disabled, created_at) VALUES (?, ?, ?, 0, ?)')
        .run(user.id, username, passwordHash, now.getTime());
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw new UserExistsError(username);
      throw error;
    }
    return user;
  }

  async ensureExternalUser(id: string, now: Date): Promise<User> {
    this.db
      .prepare(
        'INSERT INTO users (id, username, password_hash, disabled, created_at) VALUES (?, ?, ?, 0, ?) ON CONFLICT (id) DO NOTHING',
      )
      .run(id, id, EXTERNAL_PASSWORD_HASH, now.getTime());
    return (await this.findUserById(id))!;
  }

  async findUserByName(username: string): Promise<User | undefined> {
    const row = this.db.prepare('SELECT * FROM users WHERE username = ?').get(username) as UserRow | undefined;
    return row && toUser(row);
  }

  async findUserById(id: string): Promise<User | undefined> {
    const row = this.db.prepare('SELECT * FROM users WHERE id = ?').get(id) as UserRow | undefined;
    return row && toUser(row);
  }

  async listUsers(): Promise<User[]> {
    return (this.db.prepare('SELECT * FROM users ORDER BY username').all() as UserRow[]).map(toUser);
  }

  async setPasswordHash(username: string, passwordHash: string): Promise<boolean> {
    return (
      this.db.prepare('UPDATE users SET password_hash = ? WHERE username = ?').run(passwordHash, username).changes === 1
    );
  }

  async setDisabled(username: string, disabled: boolean): Promise<boolean> {
    return (
      this.db.prepare('UPDATE users SET disabled = ? WHERE username = ?').run(disabled ? 1 : 0, username).changes === 1
    );
  }

  async removeUser(username: string): Promise<boolean> {
    return this.db.prepare('DELETE FROM users WHERE username = ?').run(username).changes === 1;
  }

  async createSession(userId: string, tokenHash: string, expiresAt: Date, now: Date): Promise<void> {
    const familyId = randomUUID();
    this.db.transaction(() => {
      this.db
        .prepare('INSERT INTO session_families (id, user_id, created_at) VALUES (?, ?, ?)')
        .run(familyId, userId, now.getTime());
      this.insertToken(tokenHash, familyId, expiresAt, now);
    })();
  }

  async findRefreshToken(tokenHash: string): Promise<RefreshTokenRecord | undefined> {
    const row = this.db
      .prepare(
        `SELECT t.token_hash, t.family_id, f.user_id, t.expires_at, t.used_at, f.revoked_at, f.created_at AS family_created_at
         FROM refresh_tokens t JOIN session_families f ON f.id = t.family_id WHERE t.token_hash = ?`,
      )
      .get(tokenHash) as TokenRow | undefined;
    if (!row) return undefined;
    return {
      tokenHash: row.token_hash,
      familyId: row.family_id,
      userId: row.user_id,
      expiresAt: new Date(row.expires_at),
      usedAt: row.used_at === null ? null : new Date(row.used_at),
      familyRevokedAt: row.revoked_at === null ? null : new Date(row.revoked_at),
      familyCreatedAt: new Date(row.family_created_at),
    };
  }

  async rotateRefreshToken(oldHash: string, newHash: string, expiresAt: Date, now: Date): Promise<boolean> {
    // IMMEDIATE: take the write lock before reading, so two processes cannot both see the token unused.
    return this.db
      .transaction(() => {
        const marked = this.db
          .prepare(
            `UPDATE refresh_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL
             AND family_id IN (SELECT id FROM session_families WHERE revoked_at IS NULL)`,
          )
          .run(now.getTime(), oldHash);
        if (marked.changes !== 1) return false;
        const { family_id: familyId } = this.db
          .prepare('SELECT family_id FROM refresh_tokens WHERE token_hash = ?')
          .get(oldHash) as {
          family_id: string;
        };
        this.insertToken(newHash, familyId, expiresAt, now);
        return true;
      })
      .immediate();
  }

  async revokeFamily(familyId: string, now: Date): Promise<void> {
    this.db
      .prepare('UPDATE session_families SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL')
      .run(now.getTime(), familyId);
  }

  async revokeUserSessions(userId: string, now: Date): Promise<number> {
    return this.db
      .prepare('UPDATE session_families SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL')
      .run(now.getTime(), userId).changes;
  }

  async reserveSignInAttempt(
    keys: Array<{ key: string; since: Date }>,
    now: Date,
    decide: (attempts: Date[][]) => number,
  ): Promise<{ retryAfter: number; ids: number[] }> {
    const select = this.db.prepare('SELECT at FROM sign_in_failures WHERE key = ? AND at > ? ORDER BY at');
    const insert = this.db.prepare('INSERT INTO sign_in_failures (key, at) VALUES (?, ?)');
    // IMMEDIATE: the write lock is taken before reading, so no other process can check in between.
    return this.db
      .transaction(() => {
        const attempts = keys.map(({ key, since }) =>
          (select.all(key, since.getTime()) as { at: number }[]).map((row) => new Date(row.at)),
        );
        const retryAfter = decide(attempts);
        if (retryAfter > 0) return { retryAfter, ids: [] };
        return { retryAfter: 0, ids: keys.map(({ key }) => Number(insert.run(key, now.getTime()).lastInsertRowid)) };
      })
      .immediate();
  }

  async forgetSignInAttempts(ids: number[]): Promise<void> {
    const remove = this.db.prepare('DELETE FROM sign_in_failures WHERE rowid = ?');
    this.db.transaction(() => {
      for (const id of ids) remove.run(id);
    })();
  }

  async clearSignInFailures(key: string): Promise<void> {
    this.db.prepare('DELETE FROM sign_in_failures WHERE key = ?').run(key);
  }

  async prune(now: Date): Promise<void> {
    const t = now.getTime();
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM sign_in_failures WHERE at < ?').run(t - KEEP_FAILURES_MS);
      // A family whose newest token expired long ago can no longer be used nor reveal a replay.
      this.db
        .prepare(
          'DELETE FROM session_families WHERE id NOT IN (SELECT family_id FROM refresh_tokens WHERE expires_at > ?)',
        )
        .run(t - KEEP_DEAD_FAMILIES_MS);
    })();
  }

  async close(): Promise<void> {
    this.db.close();
  }

  private insertToken(tokenHash: string, familyId: string, expiresAt: Date, now: Date): void {
    this.db
      .prepare('INSERT INTO refresh_tokens (token_hash, family_id, created_at, expires_at) VALUES (?, ?, ?, ?)')
      .run(tokenHash, familyId, now.getTime(), expiresAt.getTime());
  }
}

/**
 * Password hashes and token hashes are readable by the broker's user only, from the first instant: a new
 * database file is created 0600 (an empty file is an empty SQLite database; SQLite gives its WAL and shared
 * memory files the same mode), and a folder the broker creates for it 0700. An existing file is left as it is.
 */
function createPrivately(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  try {
    closeSync(openSync(path, constants.O_CREAT | constants.O_EXCL | constants.O_RDWR | constants.O_NOFOLLOW, 0o600));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

function toUser(row: UserRow): User {
  return {
    id: row.id,
    username: row.username,
    passwordHash: row.password_hash,
    disabled: row.disabled === 1,
    createdAt: new Date(row.created_at),
  };
}
