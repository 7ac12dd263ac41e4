// The manual proxy and CA file from Settings, through the engine's own commands: the proxy's password
// goes to the keychain (never settings.json, the log or a result), the engine signs in and uploads
// through a real proxy that demands it, a new proxy setting applies at once, and a bad CA file or proxy
// address is refused with the reason and changes nothing.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEngine, waitForTransfer, type TestEngine } from '../../support/engine.js';
import { startTestProxy, type TestProxy } from '../../support/proxy.js';
import { sha256, startTestStack, type TestStack } from '../../support/stack.js';

const user = { username: 'sam', password: 'settings pass phrase 3' };
const proxyPassword = 'kept-in-the-keychain-9';
let env: TestStack;
let proxy: TestProxy;
let te: TestEngine;
let work: string;

beforeAll(async () => {
  // The engine reads the environment: none of the machine's proxy variables may apply here.
  for (const name of [
    'HTTP_PROXY',
    'http_proxy',
    'HTTPS_PROXY',
    'https_proxy',
    'NO_PROXY',
    'no_proxy',
    'HOIST_CA_BUNDLE',
    'AWS_CA_BUNDLE',
  ])
    delete process.env[name];
  env = await startTestStack({ users: [user] });
  proxy = await startTestProxy({ basicAuth: { user: 'corp', password: proxyPassword } });
  te = await startTestEngine({ brokerUrl: env.stack.brokerUrl });
  work = await mkdtemp(path.join(os.tmpdir(), 'hoist-net-settings-'));
});
afterAll(async () => {
  await te?.close();
  await proxy?.close();
  await env?.close();
  await rm(work, { recursive: true, force: true });
});

async function everyFileUnder(dir: string): Promise<string> {
  let all = '';
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) all += await readFile(path.join(entry.parentPath, entry.name), 'latin1');
  }
  return all;
}

describe('network settings', () => {
  it('keeps the proxy password in the keychain and uploads through the proxy', async () => {
    const saved = await te.engine['settings.update']({
      proxyUrl: `http://corp:${proxyPassword}@127.0.0.1:${proxy.port}`,
    });
    expect(saved.proxyUrl).toBe(`http://corp@127.0.0.1:${proxy.port}/`);
    expect(await te.secrets.store.get('proxy-password')).toBe(proxyPassword);

    await te.engine['session.signIn'](user);
    const file = path.join(work, 'through-proxy.bin');
    const data = randomBytes(9 * 1024 * 1024);
    await writeFile(file, data);
    const { ids } = await te.engine['transfers.add']({ paths: [file] });
    const done = await waitForTransfer(te.engine, ids[0]!, (t) => t.state === 'done' || t.state === 'failed');
    expect(done.state, JSON.stringify(done.error)).toBe('done');
    const key = (await env.listKeys('uploads/')).find((k) => k.endsWith(path.basename(file)));
    expect(await env.objectSha256(key!)).toBe(sha256(data));
    expect(new Set(await proxy.connects())).toEqual(
      new Set([new URL(env.stack.brokerUrl).host, new URL(env.stack.s3Endpoint).host]),
    );

    expect(JSON.stringify(await te.engine['settings.get']({}))).not.toContain(proxyPassword);
    expect(await everyFileUnder(te.dataDir)).not.toContain(proxyPassword);
    expect(te.logLines.join('\n')).not.toContain(proxyPassword);
  });

  it('refuses a CA file that is missing or holds no certificate, and a proxy it cannot speak, changing nothing', async () => {
    const before = await te.engine['settings.get']({});
    await expect(te.engine['settings.update']({ caFile: path.join(te.dataDir, 'missing.pem') })).rejects.toThrow(
      /missing\.pem, which cannot be read \(ENOENT\)/,
    );
    const notPem = path.join(te.dataDir, 'not-a-bundle.pem');
    await writeFile(notPem, 'hello');
    await expect(te.engine['settings.update']({ caFile: notPem })).rejects.toThrow(/holds no PEM certificate/);
    await expect(te.engine['settings.update']({ proxyUrl: 'socks5://127.0.0.1:1080' })).rejects.toThrow();
    expect(await te.engine['settings.get']({})).toEqual(before);
  });

  it('forgets the password with the proxy, and goes direct from then on', async () => {
    const before = (await proxy.connects()).length;
    await te.engine['settings.update']({ proxyUrl: null });
    expect(await te.secrets.store.get('proxy-password')).toBeNull();
    const file = path.join(work, 'direct.bin');
    await writeFile(file, randomBytes(6 * 1024 * 1024));
    const { ids } = await te.engine['transfers.add']({ paths: [file] });
    const done = await waitForTransfer(te.engine, ids[0]!, (t) => t.state === 'done' || t.state === 'failed');
    expect(done.state, JSON.stringify(done.error)).toBe('done');
    expect((await proxy.connects()).length).toBe(before);
  });
});
