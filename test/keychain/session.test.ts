// The session through the real OS keychain (gnome-keyring in a private D-Bus session): sign in,
// restart with no prompt, sign out — and the secrets are in the keychain, never in the data folder.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import keytar from 'keytar';
import { openSecretStore } from '../../electron/engine/auth/secret-store.js';
import { startTestStack, type TestStack } from '../support/stack.js';
import { startTestEngine } from '../support/engine.js';

const user = { username: 'erin', password: 'keychain-only passphrase' };
let env: TestStack;

beforeAll(async () => {
  env = await startTestStack({ users: [user] });
});
afterAll(async () => env?.close());

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

it('keeps the session in the keychain across a restart and removes it on sign-out', async () => {
  const service = `hoist-test-session-${process.pid}`;
  const secrets = await openSecretStore(service);
  expect(secrets.store.kind).toBe('os');
  const t = await startTestEngine({ brokerUrl: env.stack.brokerUrl, secrets });
  try {
    const view = await t.engine['session.signIn'](user);
    expect(view.keychain).toBe('os');

    const kept = JSON.parse((await keytar.getPassword(service, 'session'))!) as {
      refreshToken: string;
      identityId: string;
      username: string;
    };
    expect(kept.username).toBe(user.username);
    expect(kept.identityId).toBe(view.identityId);

    // Nothing secret in the data folder: not the password, not the refresh token.
    for (const file of await filesUnder(t.dataDir)) {
      const content = await readFile(file);
      expect(content.includes(user.password), file).toBe(false);
      expect(content.includes(kept.refreshToken), file).toBe(false);
    }

    const restarted = await t.restart();
    const after = await restarted['session.get']({});
    expect(after.state).toBe('signed-in');
    expect(after.identityId).toBe(view.identityId);
    // The refresh at start rotated the token, and the keychain holds the new one.
    const rotated = JSON.parse((await keytar.getPassword(service, 'session'))!) as { refreshToken: string };
    expect(rotated.refreshToken).not.toBe(kept.refreshToken);

    await restarted['session.signOut']({});
    expect(await keytar.getPassword(service, 'session')).toBeNull();
    const again = await t.restart();
    expect((await again['session.get']({})).state).toBe('signed-out');
  } finally {
    await t.close();
  }
});
