// The session store against the real Secret Service (gnome-keyring in a private D-Bus session, see
// scripts/with-keyring.sh), and the memory-only fallback when there is no keychain at all.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { openSecretStore } from '../../electron/engine/auth/secret-store.js';

describe('openSecretStore', () => {
  it('uses the OS keychain when a Secret Service is running', async () => {
    const { store, notice } = await openSecretStore(`hoist-test-${process.pid}`);
    expect(store.kind).toBe('os');
    expect(notice).toBeUndefined();
    await store.set('session', '{"refreshToken":"r1"}');
    expect(await store.get('session')).toBe('{"refreshToken":"r1"}');
    await store.delete('session');
    expect(await store.get('session')).toBeNull();
    await store.delete('session'); // deleting what is not there is fine
  });

  it('falls back to memory with a clear notice when there is no D-Bus session', () => {
    // A child process without the session bus: keytar cannot reach any Secret Service.
    const env = { ...process.env };
    delete env.DBUS_SESSION_BUS_ADDRESS;
    delete env.DISPLAY;
    env.XDG_RUNTIME_DIR = '/nonexistent';
    const script = `
      import { openSecretStore } from './electron/engine/auth/secret-store.ts';
      const { store, notice } = await openSecretStore('hoist-test-nobus');
      await store.set('a', 'b');
      console.log(JSON.stringify({ kind: store.kind, notice, value: await store.get('a') }));`;
    const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      env,
      encoding: 'utf8',
    });
    expect(result.status, result.stderr).toBe(0);
    const out = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as { kind: string; notice: string; value: string };
    expect(out.kind).toBe('memory');
    expect(out.value).toBe('b');
    expect(out.notice).toMatch(/kept in memory only/);
    expect(out.notice).toMatch(/no keychain service is available/);
  });
});
