// Extra certificate authorities are added to Node's own, never instead of them, from the first source
// that names a bundle (Settings, HOIST_CA_BUNDLE, AWS_CA_BUNDLE); a bad bundle is named with its source.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { rootCertificates } from 'node:tls';
import { afterAll, describe, expect, it } from 'vitest';
import { extraBundle, trustedCas } from '../../../../electron/engine/net/ca-bundle.js';
import { localServerTls } from '../../../../server/common/tls-ca.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'hoist-ca-'));
const { caFile, caCert } = localServerTls(dir);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('trusted authorities', () => {
  it('are the defaults alone without a bundle', async () => {
    expect(await trustedCas({ env: {} })).toBeUndefined();
  });

  it('add the bundle to every default root', async () => {
    const cas = await trustedCas({ env: { AWS_CA_BUNDLE: caFile } });
    expect(cas).toBeDefined();
    for (const root of rootCertificates) expect(cas).toContain(root);
    expect(cas!.map((c) => c.trim())).toContain(caCert.trim());
  });

  it('take Settings first, then HOIST_CA_BUNDLE, then AWS_CA_BUNDLE; empty counts as unset', () => {
    expect(extraBundle({ env: { HOIST_CA_BUNDLE: 'h', AWS_CA_BUNDLE: 'a' }, settingsFile: 's' })?.file).toBe('s');
    expect(extraBundle({ env: { HOIST_CA_BUNDLE: 'h', AWS_CA_BUNDLE: 'a' } })?.source).toBe('HOIST_CA_BUNDLE');
    expect(extraBundle({ env: { HOIST_CA_BUNDLE: ' ', AWS_CA_BUNDLE: 'a' } })?.source).toBe('AWS_CA_BUNDLE');
    expect(extraBundle({ env: { HOIST_CA_BUNDLE: '' } })).toBeUndefined();
  });

  it('name a bundle that is missing, not PEM, or holds a broken certificate', async () => {
    await expect(trustedCas({ env: { HOIST_CA_BUNDLE: path.join(dir, 'nope.pem') } })).rejects.toThrow(
      /HOIST_CA_BUNDLE names .*nope\.pem, which cannot be read \(ENOENT\)/,
    );
    const text = path.join(dir, 'text.pem');
    writeFileSync(text, 'not a certificate');
    await expect(trustedCas({ env: {}, settingsFile: text })).rejects.toThrow(
      /the CA file in Settings names .*text\.pem, which holds no PEM certificate/,
    );
    const broken = path.join(dir, 'broken.pem');
    writeFileSync(broken, '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
    await expect(trustedCas({ env: { AWS_CA_BUNDLE: broken } })).rejects.toThrow(
      /holds a certificate that cannot be read/,
    );
  });
});
