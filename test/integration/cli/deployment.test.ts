// The deployment file through the real command line and headless command (docs/ARCHITECTURE.md,
// Contracts: deployment file): a broken file stops Hoist with every problem named; a pinned broker
// cannot be replaced by --broker; a broker answer for another bucket, pool or region is refused before
// any credentials are asked for; the sign-in methods and the folder limit are enforced.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hoist } from '../../support/hoist-cli.js';
import { sha256, startTestStack, type TestStack } from '../../support/stack.js';

const user = { username: 'pia', password: 'pinned deployment passphrase' };
const signInEnv = { HOIST_USERNAME: user.username, HOIST_PASSWORD: user.password };
let env: TestStack;
let work: string;

beforeAll(async () => {
  env = await startTestStack({ users: [user] });
  work = await mkdtemp(path.join(os.tmpdir(), 'hoist-deployment-'));
});
afterAll(async () => {
  await env?.close();
  await rm(work, { recursive: true, force: true });
});

let files = 0;
/** Writes a deployment file matching the local stack, with `overrides` applied. */
async function deploymentFile(overrides: Record<string, unknown> = {}): Promise<string> {
  const file = path.join(work, `deployment-${++files}.json`);
  const { brokerUrl, region, identityPoolId, bucket } = env.stack;
  await writeFile(file, JSON.stringify({ name: 'Acme Test', brokerUrl, region, identityPoolId, bucket, ...overrides }));
  return file;
}

async function smallFile(name: string): Promise<{ path: string; sha: string }> {
  const p = path.join(work, name);
  const content = `${name} ${Date.now()}`;
  await writeFile(p, content);
  return { path: p, sha: sha256(Buffer.from(content)) };
}

function credentialRequests(): number {
  return env.stack.cloud.requestLog.entries().filter((e) => e.operation === 'GetCredentialsForIdentity').length;
}

describe('a broken deployment file', () => {
  it('stops hoist with the file, the field and the problem, before touching the data folder', async () => {
    const file = path.join(work, 'broken.json');
    await writeFile(
      file,
      JSON.stringify({
        brokerURL: 'https://x.example',
        region: 'eu-west-1',
        identityPoolId: 'eu-west-1:0123',
        bucket: 'acme',
        limits: { maxBandwidthBytesPerSecond: 10 },
      }),
    );
    const data = path.join(work, 'broken-data');
    const src = await smallFile('broken.txt');
    const r = await hoist(['--data', data, 'upload', src.path], { env: { ...signInEnv, HOIST_DEPLOYMENT_FILE: file } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`The deployment file ${file} is not valid:`);
    expect(r.stderr).toContain('brokerUrl: is missing');
    expect(r.stderr).toContain('brokerURL: unknown setting (did you mean "brokerUrl"?)');
    expect(r.stderr).toContain('limits.maxBandwidthBytesPerSecond: must be at least 1024 bytes per second');
    expect(existsSync(data)).toBe(false);
  });

  it('stops hoist when the file named by HOIST_DEPLOYMENT_FILE is missing or not JSON (never runs unpinned)', async () => {
    const missing = path.join(work, 'nowhere.json');
    const r = await hoist(['--data', path.join(work, 'missing-data'), 'sign-in', '--username', user.username], {
      env: { ...signInEnv, HOIST_DEPLOYMENT_FILE: missing },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`The deployment file ${missing} cannot be used: it does not exist.`);

    const notJson = path.join(work, 'not-json.json');
    await writeFile(notJson, '{"brokerUrl": ');
    const r2 = await hoist(['--data', path.join(work, 'missing-data'), 'sign-in', '--username', user.username], {
      env: { ...signInEnv, HOIST_DEPLOYMENT_FILE: notJson },
    });
    expect(r2.code).toBe(1);
    expect(r2.stderr).toContain(`The deployment file ${notJson} is not valid JSON`);
  });

  it('stops the headless command too', async () => {
    const file = path.join(work, 'broken-headless.json');
    await writeFile(
      file,
      JSON.stringify({
        brokerUrl: 'http://sign-in.example.com',
        region: 'eu-west-1',
        identityPoolId: 'eu-west-1:0123',
        bucket: 'acme-uploads',
      }),
    );
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'electron/daemon/index.ts', '--data', path.join(work, 'headless-data'), '--port', '0'],
      {
        env: { ...process.env, HOIST_DEPLOYMENT_FILE: file },
      },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    // A daemon that starts anyway would run until stopped: killed, and reported as a signal, not a pass.
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    clearTimeout(timer);
    expect(code).toBe(1);
    expect(stderr).toContain(`The deployment file ${file} is not valid:`);
    expect(stderr).toContain(
      'brokerUrl: Hoist refuses to sign in at http://sign-in.example.com: a sign-in service that is not on this computer must use https',
    );
  });
});

describe('a pinned deployment', () => {
  it('signs in at the pinned broker with no --broker and uploads', async () => {
    const file = await deploymentFile();
    const src = await smallFile('pinned.txt');
    const before = credentialRequests();
    const r = await hoist(['--data', path.join(work, 'pinned-data'), 'upload', src.path, '--json'], {
      env: { ...signInEnv, HOIST_DEPLOYMENT_FILE: file },
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { ok: boolean }).ok).toBe(true);
    const keys = (await env.listKeys('uploads/')).filter((k) => k.endsWith('/pinned.txt'));
    expect(keys).toHaveLength(1);
    expect(await env.objectSha256(keys[0]!)).toBe(src.sha);
    // The count the refusals below rely on does see a client that asks for credentials.
    expect(credentialRequests()).toBeGreaterThan(before);
  });

  it('refuses a --broker that names another sign-in service', async () => {
    const file = await deploymentFile();
    const r = await hoist(
      [
        '--data',
        path.join(work, 'pinned-other'),
        '--broker',
        'https://elsewhere.example.com',
        'sign-in',
        '--username',
        user.username,
      ],
      {
        env: { ...signInEnv, HOIST_DEPLOYMENT_FILE: file },
      },
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `The sign-in service is set by your organisation (${file}) to ${env.stack.brokerUrl}; https://elsewhere.example.com cannot replace it.`,
    );
  });

  it('accepts a --broker that names the pinned one', async () => {
    const file = await deploymentFile();
    const r = await hoist(
      [
        '--data',
        path.join(work, 'pinned-same'),
        '--broker',
        env.stack.brokerUrl.replace(/\/?$/, '/'),
        'sign-in',
        '--username',
        user.username,
      ],
      {
        env: { ...signInEnv, HOIST_DEPLOYMENT_FILE: file },
      },
    );
    expect(r.stderr).toContain(`Signed in as ${user.username}.`);
    expect(r.code).toBe(0);
  });

  for (const [field, value] of [
    ['bucket', 'acme-other-bucket'],
    ['identityPoolId', 'us-east-1:00000000-0000-0000-0000-000000000000'],
    ['region', 'eu-west-1'],
  ] as const) {
    it(`refuses a broker answer with another ${field}, before any credentials are asked for`, async () => {
      const file = await deploymentFile({ [field]: value });
      const before = credentialRequests();
      const src = await smallFile(`mismatch-${field}.txt`);
      const r = await hoist(['--data', path.join(work, `mismatch-${field}`), 'upload', src.path], {
        env: { ...signInEnv, HOIST_DEPLOYMENT_FILE: file },
      });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(
        `The sign-in service answered with ${field} "${env.stack[field]}" where ${file} pins "${value}".`,
      );
      expect(r.stderr).toContain('nothing is uploaded');
      expect(credentialRequests()).toBe(before);
      expect((await env.listKeys('uploads/')).filter((k) => k.endsWith(`mismatch-${field}.txt`))).toEqual([]);
    });
  }

  it('refuses password sign-in when the deployment offers only the organisation sign-in', async () => {
    const file = await deploymentFile({ signIn: ['oidc'] });
    const r = await hoist(['--data', path.join(work, 'oidc-only'), 'sign-in', '--username', user.username], {
      env: { ...signInEnv, HOIST_DEPLOYMENT_FILE: file },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Your organisation signs in through its own identity provider');
  });

  it('refuses to watch a folder outside the home folder when the deployment says so', async () => {
    const home = path.join(work, 'home');
    const outside = path.join(work, 'outside');
    await mkdir(home, { recursive: true });
    await mkdir(outside, { recursive: true });
    const file = await deploymentFile({ limits: { watchedFoldersInsideHome: true } });
    const r = await hoist(['--data', path.join(home, '.hoist'), 'sync', outside], {
      env: { ...signInEnv, HOIST_DEPLOYMENT_FILE: file, HOME: home },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `Your organisation allows watching folders inside your home folder (${home}) only; ${outside} is outside it.`,
    );
  });
});
