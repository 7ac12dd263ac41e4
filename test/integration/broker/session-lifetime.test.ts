// A session family ends at its absolute maximum age however often it is refreshed, and the admin CLI's
// set-password and revoke-sessions end a user's sessions at once. Real HTTP against the broker, the real
// `npm run broker-admin` on the same SQLite file. The broker's clock is a fixed instant the test moves.
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { post, signIn, startHarness, type Harness, type SessionBody } from './harness.js';

function admin(
  db: string,
  args: string[],
  input: string,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '--silent', 'broker-admin', '--', '--db', db, ...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(input);
  });
}

describe('session lifetime and admin revocation', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it("refuses a refresh past the family's absolute maximum age, though each token was fresh", async () => {
    const t0 = Date.now();
    let now = new Date(t0);
    h = await startHarness({ now: () => now, refreshTokenLifetimeSeconds: 100, refreshTokenMaxAgeSeconds: 250 });
    await h.addUser('alice', 'alice-password');
    let session = (await (await signIn(h.url, 'alice', 'alice-password')).json()) as SessionBody & {
      refreshTokenExpiresAt: string;
    };
    const refresh = async (atSeconds: number): Promise<Response> => {
      now = new Date(t0 + atSeconds * 1000);
      return post(`${h?.url}/v1/sessions/refresh`, { refreshToken: session.refreshToken });
    };
    for (const at of [90, 180, 245]) {
      const res = await refresh(at);
      expect(res.status).toBe(200);
      session = (await res.json()) as typeof session;
    }
    // The sliding expiry would be 345 s; the family ends at 250 s, and the client is told so.
    expect(Date.parse(session.refreshTokenExpiresAt)).toBe(t0 + 250_000);
    expect((await refresh(251)).status).toBe(401);
  });

  it('set-password takes the new password from stdin, refuses the old one and ends every session', async () => {
    h = await startHarness();
    await h.addUser('bob', 'old-password');
    const session = (await (await signIn(h.url, 'bob', 'old-password')).json()) as SessionBody;

    const changed = await admin(h.dbPath, ['set-password', 'bob'], 'new password\n');
    expect(changed.status).toBe(0);
    expect(changed.stdout).toMatch(/revoked 1 session/);
    expect((await post(`${h.url}/v1/sessions/refresh`, { refreshToken: session.refreshToken })).status).toBe(401);
    expect((await signIn(h.url, 'bob', 'old-password')).status).toBe(401);
    expect((await signIn(h.url, 'bob', 'new password')).status).toBe(201);

    const unknown = await admin(h.dbPath, ['set-password', 'nobody'], 'x\n');
    expect(unknown.status).not.toBe(0);
    expect(unknown.stderr).toMatch(/no user named nobody/);
    expect((await admin(h.dbPath, ['set-password', 'bob'], '')).status).not.toBe(0); // no password, no change
    expect((await signIn(h.url, 'bob', 'new password')).status).toBe(201);
  });

  it('revoke-sessions ends the sessions but keeps the password', async () => {
    h = await startHarness();
    await h.addUser('carol', 'carol-password');
    const first = (await (await signIn(h.url, 'carol', 'carol-password')).json()) as SessionBody;
    const second = (await (await signIn(h.url, 'carol', 'carol-password')).json()) as SessionBody;
    const revoked = await admin(h.dbPath, ['revoke-sessions', 'carol'], '');
    expect(revoked.status).toBe(0);
    expect(revoked.stdout).toMatch(/revoked 2 session/);
    for (const s of [first, second])
      expect((await post(`${h.url}/v1/sessions/refresh`, { refreshToken: s.refreshToken })).status).toBe(401);
    expect((await signIn(h.url, 'carol', 'carol-password')).status).toBe(201);
  });
});
