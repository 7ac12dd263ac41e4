// `npm run broker-admin`: the user-management CLI against a real SQLite store.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteUserStore } from '../../../server/broker/sqlite-store.js';
import { verifyPassword } from '../../../server/broker/passwords.js';
import { tempDir } from '../cognito/cloud.js';

function admin(db: string, args: string[], input = ''): { status: number | null; stdout: string; stderr: string } {
  return spawnSync('npm', ['run', '--silent', 'broker-admin', '--', '--db', db, ...args], { encoding: 'utf8', input });
}

describe('broker-admin', () => {
  it('adds, lists, disables, enables, revokes and removes users', async () => {
    const db = join(tempDir('broker-cli'), 'broker.db');
    expect(admin(db, ['add-user', 'alice', '--password-stdin'], 'pa ss\n').status).toBe(0);
    const duplicate = admin(db, ['add-user', 'alice'], 'other\n');
    expect(duplicate.status).not.toBe(0);
    expect(duplicate.stderr).toMatch(/already exists/);
    expect(admin(db, ['add-user', 'bob'], '').status).not.toBe(0); // no password, no user

    const store = new SqliteUserStore(db);
    try {
      const alice = await store.findUserByName('alice');
      expect(await verifyPassword('pa ss', alice?.passwordHash ?? '')).toBe(true);
      await store.createSession(alice?.id ?? '', 'h1', new Date(Date.now() + 60_000), new Date());

      expect(JSON.parse(admin(db, ['list-users', '--json']).stdout)).toEqual([
        expect.objectContaining({ username: 'alice', disabled: false }),
      ]);
      expect(admin(db, ['disable-user', 'alice']).status).toBe(0);
      expect((await store.findUserByName('alice'))?.disabled).toBe(true);
      expect((await store.findRefreshToken('h1'))?.familyRevokedAt).not.toBeNull();
      expect(admin(db, ['enable-user', 'alice']).status).toBe(0);
      expect((await store.findUserByName('alice'))?.disabled).toBe(false);

      await store.createSession(alice?.id ?? '', 'h2', new Date(Date.now() + 60_000), new Date());
      expect(admin(db, ['revoke-sessions', 'alice']).stdout).toMatch(/revoked 1 session/);
      expect(admin(db, ['remove-user', 'alice']).status).toBe(0);
      expect(admin(db, ['remove-user', 'alice']).status).not.toBe(0);
      expect(await store.listUsers()).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
