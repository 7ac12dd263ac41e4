// `npm run local-stack -- --tls`: the broker, the local cloud and the OpenID provider over HTTPS with a CA
// made in the data folder (caFile in the ready file; keys 0600). Hoist trusts it when HOIST_CA_BUNDLE or
// AWS_CA_BUNDLE names it, through a proxy too; without it the error names the host and what to set, and a
// run with it afterwards uploads everything. awscli with AWS_CA_BUNDLE works against the same stack.
// Signing in with the organisation works over TLS end to end: the broker trusts the stack's CA for the
// provider, Hoist trusts it for the broker, and the person's Chromium trusts it in its own certificate
// store (test/support/browser.ts), with every certificate check on.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UpstreamError } from '../../../server/broker/cognito.js';
import { createOidcSignIn } from '../../../server/broker/oidc.js';
import { LOCAL_OIDC_PUBLIC_CLIENT_ID } from '../../../server/local-stack/oidc-provider.js';
import type { LocalStackInfo } from '../../../server/local-stack/index.js';
import { launchChromium } from '../../support/browser.js';
import { sha256 } from '../../support/digest.js';
import { hoist, startHoist, type CliRun } from '../../support/hoist-cli.js';
import { fillLogin, firstUrl, loginAtProvider } from '../../support/oidc-login.js';
import { pollUntil } from '../../support/poll.js';
import { startTestProxy } from '../../support/proxy.js';

const run = promisify(execFile);
const user = { username: 'tess', password: 'tls pass phrase 42' };
const clean = {
  HTTP_PROXY: '',
  http_proxy: '',
  HTTPS_PROXY: '',
  https_proxy: '',
  NO_PROXY: '',
  no_proxy: '',
  HOIST_CA_BUNDLE: '',
  AWS_CA_BUNDLE: '',
  NODE_EXTRA_CA_CERTS: '',
};
let work: string;
let stackDir: string;
let child: ChildProcess;
let info: LocalStackInfo;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'hoist-tls-'));
  stackDir = path.join(work, 'stack');
  const readyFile = path.join(work, 'ready.json');
  child = spawn(
    'npm',
    [
      'run',
      '--silent',
      'local-stack',
      '--',
      '--data',
      stackDir,
      '--port',
      '0',
      '--ready-file',
      readyFile,
      '--tls',
      '--user',
      `${user.username}:${user.password}`,
    ],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d));
  const ready = await pollUntil(
    () => {
      if (child.exitCode !== null) throw new Error(`local-stack exited: ${stderr}`);
      return existsSync(readyFile);
    },
    { timeoutMs: 100_000, intervalMs: 100 },
  );
  if (!ready) throw new Error(`no ready file: ${stderr}`);
  info = JSON.parse(readFileSync(readyFile, 'utf8')) as LocalStackInfo;
}, 120_000);
afterAll(async () => {
  if (child?.exitCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  await rm(work, { recursive: true, force: true });
});

function upload(data: string, files: string[], env: Record<string, string>) {
  return hoist(
    ['--data', path.join(work, data), '--broker', info.brokerUrl, 'upload', ...files, '--to', data, '--json'],
    {
      env: { ...clean, HOIST_USERNAME: user.username, HOIST_PASSWORD: user.password, ...env },
      timeoutMs: 120_000,
    },
  );
}

function aws(args: string[], env: Record<string, string> = {}) {
  // Unset, not empty: awscli takes an empty AWS_CA_BUNDLE as "do not verify".
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !(name in clean)));
  return run('/usr/bin/aws', ['--endpoint-url', info.s3Endpoint, '--region', info.region, ...args], {
    env: {
      ...inherited,
      AWS_ACCESS_KEY_ID: info.adminCredentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: info.adminCredentials.secretAccessKey,
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      ...env,
    },
  });
}

async function someFiles(name: string): Promise<Record<string, Buffer>> {
  const out = {
    [path.join(work, `${name}.jpg`)]: randomBytes(2000),
    [path.join(work, `${name}.bin`)]: randomBytes(11 * 1024 * 1024),
  };
  for (const [file, data] of Object.entries(out)) await writeFile(file, data);
  return out;
}

async function expectInBucket(data: string, files: Record<string, Buffer>): Promise<void> {
  const listed = JSON.parse(
    (
      await aws(['s3api', 'list-objects-v2', '--bucket', info.bucket, '--prefix', 'uploads/'], {
        AWS_CA_BUNDLE: info.caFile!,
      })
    ).stdout,
  ) as { Contents: Array<{ Key: string }> };
  for (const [file, bytes] of Object.entries(files)) {
    const key = listed.Contents.map((c) => c.Key).find((k) => k.endsWith(`/${data}/${path.basename(file)}`));
    expect(key, file).toBeDefined();
    const out = path.join(work, 'downloaded');
    await aws(['s3api', 'get-object', '--bucket', info.bucket, '--key', key!, out], { AWS_CA_BUNDLE: info.caFile! });
    expect(sha256(readFileSync(out)), file).toBe(sha256(bytes));
  }
}

describe('the local stack over TLS', () => {
  it('serves https with a CA kept in its data folder, keys readable by the owner only', () => {
    expect(info.brokerUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(info.s3Endpoint).toMatch(/^https:\/\//);
    expect(info.cognitoEndpoint).toMatch(/^https:\/\//);
    expect(info.caFile).toBe(path.join(stackDir, 'tls', 'ca.pem'));
    expect(readFileSync(info.caFile!, 'utf8')).toContain('-----BEGIN CERTIFICATE-----');
    for (const key of ['ca-key.pem', 'server-key.pem'])
      expect(statSync(path.join(stackDir, 'tls', key)).mode & 0o777, key).toBe(0o600);
    // The CA's key is never handed out: the ready file names only its certificate.
    expect(JSON.stringify(info)).not.toContain('key.pem');
  });

  it('refuses an untrusted certificate with the host and what to do, then uploads everything with HOIST_CA_BUNDLE', async () => {
    const files = await someFiles('first');
    const refused = await upload('tls-env', Object.keys(files), {});
    expect(refused.code).toBe(1);
    const host = new URL(info.brokerUrl).host.replace(/\./g, '\\.');
    expect(refused.stderr).toMatch(
      new RegExp(`the certificate of ${host} is not trusted \\([A-Z_]+\\): set HOIST_CA_BUNDLE`),
    );

    const ok = await upload('tls-env', Object.keys(files), { HOIST_CA_BUNDLE: info.caFile! });
    expect(ok.code, ok.stderr).toBe(0);
    await expectInBucket('tls-env', files);
  });

  it('reads AWS_CA_BUNDLE as awscli does, and a missing bundle is named', async () => {
    const files = await someFiles('second');
    const missing = await upload('tls-aws', Object.keys(files), { AWS_CA_BUNDLE: path.join(work, 'no-such.pem') });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/AWS_CA_BUNDLE names .*no-such\.pem, which cannot be read \(ENOENT\)/);
    const ok = await upload('tls-aws', Object.keys(files), { AWS_CA_BUNDLE: info.caFile! });
    expect(ok.code, ok.stderr).toBe(0);
    await expectInBucket('tls-aws', files);
  });

  it('tunnels TLS through an HTTPS_PROXY', async () => {
    const proxy = await startTestProxy();
    try {
      const files = await someFiles('third');
      const ok = await upload('tls-proxy', Object.keys(files), {
        HTTPS_PROXY: proxy.url,
        HOIST_CA_BUNDLE: info.caFile!,
      });
      expect(ok.code, ok.stderr).toBe(0);
      await expectInBucket('tls-proxy', files);
      const seen = new Set(await proxy.connects());
      expect(seen).toEqual(new Set([new URL(info.brokerUrl).host, new URL(info.s3Endpoint).host]));
    } finally {
      await proxy.close();
    }
  });

  it('awscli refuses it without AWS_CA_BUNDLE', async () => {
    await expect(aws(['s3api', 'list-objects-v2', '--bucket', info.bucket])).rejects.toThrow(
      /certificate verify failed|SSL/i,
    );
  });
});

describe('signing in with the organisation over TLS', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium({ trustCaFile: info.caFile! });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  // No D-Bus: the session stays in this process's memory, never in a keychain of the machine running the tests.
  const signInEnv = (extra: Record<string, string> = {}) => ({
    ...clean,
    DISPLAY: '',
    WAYLAND_DISPLAY: '',
    DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent',
    ...extra,
  });

  function signIn(data: string, how: '--browser' | '--device', env: Record<string, string>): CliRun {
    return startHoist(['--data', path.join(work, data), '--broker', info.brokerUrl, 'sign-in', how], {
      env: signInEnv(env),
      timeoutMs: 120_000,
    });
  }

  /** The address the command printed on a line of its own, once it has. */
  async function printedUrl(run: CliRun, contains = ''): Promise<string> {
    let out = '';
    run.child.stdout!.on('data', (d: Buffer) => (out += d));
    const ok = await pollUntil(() => firstUrl(out, contains) !== undefined || run.child.exitCode !== null, {
      timeoutMs: 60_000,
    });
    const url = firstUrl(out, contains);
    if (!ok || !url) throw new Error(`hoist printed no address: ${out} ${(await run.result).stderr}`);
    return url;
  }

  it('serves the OpenID provider over https with the same CA', async () => {
    expect(info.oidcIssuer).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const discovery = await new Promise<string>((resolve, reject) =>
      https
        .get(`${info.oidcIssuer}/.well-known/openid-configuration`, { ca: readFileSync(info.caFile!) }, (res) => {
          let body = '';
          res.on('data', (d: Buffer) => (body += d));
          res.on('end', () => resolve(body));
        })
        .on('error', reject),
    );
    expect(JSON.parse(discovery)).toMatchObject({
      issuer: info.oidcIssuer,
      token_endpoint: `${info.oidcIssuer}/token`,
    });
  });

  it('signs in with --browser: the provider’s https page, the loopback redirect, the broker redeeming over TLS', async () => {
    const signing = signIn('oidc-browser', '--browser', { HOIST_CA_BUNDLE: info.caFile! });
    const url = await printedUrl(signing);
    expect(url).toMatch(/^https:\/\//);
    expect(url.startsWith(`${info.oidcIssuer}/auth?`)).toBe(true);
    const page = await browser.newPage();
    try {
      await loginAtProvider(page, url, user);
      await page.getByText('You can close this tab and return to Hoist').waitFor();
    } finally {
      await page.close();
    }
    const result = await signing.result;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(`Signed in as ${user.username}.`);
  });

  it('signs in with --device: the verification address is the provider’s https one', async () => {
    const signing = signIn('oidc-device', '--device', { AWS_CA_BUNDLE: info.caFile! });
    const complete = await printedUrl(signing, 'user_code=');
    expect(complete).toMatch(/^https:\/\//);
    expect(complete.startsWith(`${info.oidcIssuer}/`)).toBe(true);
    const context = await browser.newContext(); // no provider session from the browser sign-in above
    try {
      const page = await context.newPage();
      await page.goto(complete);
      await page.getByRole('button', { name: 'Continue' }).first().click();
      await fillLogin(page, user);
      await page.getByText('You are signed in').waitFor();
    } finally {
      await context.close();
    }
    const result = await signing.result;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(`Signed in as ${user.username}.`);
  });

  it('without the CA, Hoist stops before the provider with the broker’s host and what to set', async () => {
    const refused = await signIn('oidc-untrusted', '--browser', {}).result;
    expect(refused.code).toBe(1);
    const host = new URL(info.brokerUrl).host.replace(/\./g, '\\.');
    expect(refused.stderr).toMatch(
      new RegExp(`the certificate of ${host} is not trusted \\([A-Z_]+\\): set HOIST_CA_BUNDLE`),
    );
    expect(refused.stdout).not.toContain(info.oidcIssuer!);
  });

  it('a broker that does not trust the provider’s CA says so, naming the provider; given the CA it works', async () => {
    const untrusting = createOidcSignIn({ issuer: info.oidcIssuer!, clientId: LOCAL_OIDC_PUBLIC_CLIENT_ID });
    const failure = await untrusting.info().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(UpstreamError);
    const host = new URL(info.oidcIssuer!).host.replace(/\./g, '\\.');
    expect((failure as Error).message).toMatch(
      new RegExp(`the certificate of the OpenID provider ${host} is not trusted \\([A-Z_]+\\): give the broker its CA`),
    );

    const trusting = createOidcSignIn({
      issuer: info.oidcIssuer!,
      clientId: LOCAL_OIDC_PUBLIC_CLIENT_ID,
      extraCaCertificates: [readFileSync(info.caFile!, 'utf8')],
    });
    expect(await trusting.info()).toMatchObject({
      issuer: info.oidcIssuer,
      authorizationEndpoint: `${info.oidcIssuer}/auth`,
      deviceAuthorization: true,
    });
  });
});
