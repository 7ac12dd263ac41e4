// `hoist config set proxy-url http://user:password@host:port` with no Hoist running, against the real
// Secret Service (scripts/with-keyring.sh): the password goes to the keychain, as the window's password
// field puts it there, and the settings file and the output hold the address without it.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openSecretStore } from '../../electron/engine/auth/secret-store.js';
import { PROXY_PASSWORD_ACCOUNT } from '../../electron/engine/net/network-settings.js';
import { hoist } from '../support/hoist-cli.js';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'hoist-config-keychain-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

it('keeps the proxy password in the keychain, never in settings.json, and forgets it with the proxy', async () => {
  const data = path.join(work, 'state');
  const keychain = (await openSecretStore()).store;
  expect(keychain.kind).toBe('os');

  const set = await hoist(['--data', data, 'config', 'set', 'proxy-url', 'http://bob:hunter2@127.0.0.1:3128']);
  expect(set.code, set.stderr).toBe(0);
  expect(set.stdout).toContain('proxy-url = http://bob@127.0.0.1:3128/: saved for the next start');
  expect(set.stdout + set.stderr).not.toContain('hunter2');
  const file = await readFile(path.join(data, 'settings.json'), 'utf8');
  expect(JSON.parse(file)).toMatchObject({ proxyUrl: 'http://bob@127.0.0.1:3128/' });
  expect(file).not.toContain('hunter2');
  expect(await keychain.get(PROXY_PASSWORD_ACCOUNT)).toBe('hunter2');

  const get = await hoist(['--data', data, 'config', 'get', 'proxy-url']);
  expect(get.stdout.trim()).toBe('http://bob@127.0.0.1:3128/');

  const cleared = await hoist(['--data', data, 'config', 'set', 'proxy-url', '']);
  expect(cleared.code, cleared.stderr).toBe(0);
  expect(await keychain.get(PROXY_PASSWORD_ACCOUNT)).toBeNull();
});
