// The extra CA bundle is read by the pools that speak TLS (to the target or to an https proxy), and
// refused there with its reason; a plain-http pool on this computer does not read it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { rootCertificates } from 'node:tls';
import { afterAll, describe, expect, it } from 'vitest';
import { trustedCas } from '../../../../electron/engine/net/ca-bundle.js';
import { createNetwork } from '../../../../electron/engine/net/index.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'hoist-network-ca-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const missing = path.join(dir, 'missing.pem');
const pool = { maxSockets: 1 };
const noProxy = { HTTP_PROXY: '', HTTPS_PROXY: '', http_proxy: '', https_proxy: '', NO_PROXY: '', no_proxy: '' };

describe('the CA bundle and the pools', () => {
  it('is not read for plain http to this computer', async () => {
    const network = createNetwork({ env: { ...noProxy, HOIST_CA_BUNDLE: missing } });
    const { agent } = await network.route(new URL('http://127.0.0.1:9/'), pool);
    agent.destroy();
  });

  it('is refused with its reason by an https pool', async () => {
    const network = createNetwork({ env: { ...noProxy, HOIST_CA_BUNDLE: missing } });
    await expect(network.route(new URL('https://127.0.0.1:9/'), pool)).rejects.toThrow(
      /HOIST_CA_BUNDLE names .*missing\.pem, which cannot be read \(ENOENT\)/,
    );
  });

  it('is refused with its reason by an http pool through an https proxy', async () => {
    const network = createNetwork({
      env: { ...noProxy, HTTP_PROXY: 'https://proxy.example:3128', AWS_CA_BUNDLE: missing },
    });
    await expect(network.route(new URL('http://storage.example/'), pool)).rejects.toThrow(
      /AWS_CA_BUNDLE names .*missing\.pem, which cannot be read \(ENOENT\)/,
    );
  });

  it('is read again once the file changes', async () => {
    const [first, second] = rootCertificates as [string, string];
    const file = path.join(dir, 'bundle.pem');
    const count = (cas: string[], cert: string) => cas.filter((c) => c === cert).length;
    const cas = async () => (await trustedCas({ env: { HOIST_CA_BUNDLE: file } }))!;
    writeFileSync(file, `${first}\n`);
    const before = await cas();
    writeFileSync(file, `${second}\n`);
    const after = await cas();
    expect(count(before, first) - count(after, first)).toBe(1);
    expect(count(after, second) - count(before, second)).toBe(1);
    writeFileSync(file, 'no certificate now');
    await expect(cas()).rejects.toThrow(/holds no PEM certificate/);
  });
});
