import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteUserStore } from '../../../server/broker/sqlite-store.js';
import { UserExistsError } from '../../../server/broker/store.js';

describe('SqliteUserStore', () => {
  let store: SqliteUserStore;
  const t0 = new Date('2026-01-01T00:00:00Z');
  const later = (s: number): Date => new Date(t0.getTime() + s * 1000);
  beforeEach(() => {
    store = new SqliteUserStore(':memory:');
  });
  afterEach(async () => store.close());

  it('adds, finds, disables and removes users; names are unique', async () => {
    const user = await store.addUser('alice', 'h', t0);
    await expect(store.addUser('alice', 'h2', t0)).rejects.toBeInstanceOf(UserExistsError);
    expect(await store.findUserById(user.id)).toMatchObject({ username: 'alice', disabled: false });
    expect(await store.setDisabled('alice', true)).toBe(true);
    expect((await store.findUserByName('alice'))?.disabled).toBe(true);
    expect(await store.setDisabled('nobody', true)).toBe(false);
    expect(await store.removeUser('alice')).toBe(true);
    expect(await store.listUsers()).toEqual([]);
  });

  it('rotates a refresh token exactly once', async () => {
    const user = await store.addUser('alice', 'h', t0);
    await store.createSession(user.id, 'hash-1', later(100), t0);
    expect(await store.rotateRefreshToken('hash-1', 'hash-2', later(200), later(1))).toBe(true);
    expect(await store.rotateRefreshToken('hash-1', 'hash-3', later(200), later(2))).toBe(false);
    expect(await store.findRefreshToken('hash-3')).toBeUndefined();
    const second = await store.findRefreshToken('hash-2');
    const first = await store.findRefreshToken('hash-1');
    expect(second?.familyId).toBe(first?.familyId);
    expect(first?.usedAt).toEqual(later(1));
  });

  it('revoking a family stops every token in it; removing the user drops its sessions', async () => {
    const user = await store.addUser('alice', 'h', t0);
    await store.createSession(user.id, 'a', later(100), t0);
    await store.createSession(user.id, 'b', later(100), t0);
    expect(await store.revokeUserSessions(user.id, later(1))).toBe(2);
    expect((await store.findRefreshToken('a'))?.familyRevokedAt).toEqual(later(1));
    expect(await store.rotateRefreshToken('b', 'c', later(200), later(2))).toBe(false);
    await store.removeUser('alice');
    expect(await store.findRefreshToken('a')).toBeUndefined();
  });

  it('reserves sign-in attempts only when the decision allows, and forgets or clears them', async () => {
    const keys = [
      { key: 'user:a', since: later(-1) },
      { key: 'addr:1', since: later(-1) },
    ];
    const seen: Date[][][] = [];
    const first = await store.reserveSignInAttempt(keys, later(0), (attempts) => (seen.push(attempts), 0));
    expect(first).toMatchObject({ retryAfter: 0, ids: [expect.any(Number), expect.any(Number)] });
    expect(await store.reserveSignInAttempt(keys, later(5), () => 9)).toEqual({ retryAfter: 9, ids: [] });
    await store.reserveSignInAttempt(keys, later(30), (attempts) => (seen.push(attempts), 0));
    expect(seen).toEqual([
      [[], []],
      [[later(0)], [later(0)]],
    ]);
    await store.forgetSignInAttempts(first.ids);
    await store.clearSignInFailures('user:a');
    await store.reserveSignInAttempt(keys, later(40), (attempts) => (seen.push(attempts), 1));
    expect(seen.at(-1)).toEqual([[], [later(30)]]);
  });

  it('prunes dead families but keeps live ones', async () => {
    const user = await store.addUser('alice', 'h', t0);
    await store.createSession(user.id, 'old', later(10), t0);
    await store.createSession(user.id, 'live', later(100 * 24 * 3600), t0);
    await store.prune(later(30 * 24 * 3600));
    expect(await store.findRefreshToken('old')).toBeUndefined();
    expect(await store.findRefreshToken('live')).toBeDefined();
  });
});
