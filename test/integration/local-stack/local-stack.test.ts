// `npm run local-stack` as a child process: ready file, sign-in with --user, clean stop, data kept across restarts.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromCognitoIdentity } from '@aws-sdk/credential-providers';
import { afterEach, describe, expect, it } from 'vitest';
import type { LocalStackInfo } from '../../../server/local-stack/index.js';
import { signIn, type SessionBody } from '../broker/harness.js';
import { tempDir } from '../cognito/cloud.js';
import { pollUntil } from '../../support/poll.js';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

interface Run {
  child: ChildProcess;
  /** npm's exit code. */
  exited: Promise<number | null>;
  /** Resolves once every process holding our stderr (npm, sh, tsx, node) is gone. */
  allGone: Promise<void>;
  stderr: () => string;
}

function start(dataDir: string, readyFile: string, extra: string[] = [], env: NodeJS.ProcessEnv = {}): Run {
  const child = spawn(
    'npm',
    ['run', '--silent', 'local-stack', '--', '--data', dataDir, '--port', '0', '--ready-file', readyFile, ...extra],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, ...env },
    },
  );
  children.push(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const allGone = new Promise<void>((resolve) => child.stderr?.on('close', () => resolve()));
  return { child, exited, allGone, stderr: () => stderr };
}

async function refused(url: string): Promise<boolean> {
  return fetch(`${url}/healthz`).then(
    () => false,
    () => true,
  );
}

async function waitForReady(readyFile: string, child: ChildProcess, stderr: () => string): Promise<LocalStackInfo> {
  const ready = await pollUntil(
    () => {
      if (child.exitCode !== null) throw new Error(`local-stack exited with ${child.exitCode}: ${stderr()}`);
      return existsSync(readyFile);
    },
    { timeoutMs: 100_000, intervalMs: 100 },
  );
  if (!ready) throw new Error(`local-stack wrote no ready file in 100 s: ${stderr()}`);
  return JSON.parse(readFileSync(readyFile, 'utf8')) as LocalStackInfo;
}

describe('npm run local-stack', () => {
  it('starts, signs in a --user, stops cleanly on SIGTERM (exit 0 where the shell passes it on) and keeps identities across a restart', async () => {
    const dataDir = tempDir('stack');
    const readyFile = join(tempDir('stack-ready'), 'ready.json');
    const proxy = 'http://127.0.0.1:9/';
    const first = start(dataDir, readyFile, [
      '--user',
      'alice:pw:with:colons',
      '--user',
      'bob:bob-pw',
      '--advertise-s3-endpoint',
      proxy,
      '--token-lifetime',
      '120',
      '--credential-lifetime',
      '600',
    ]);
    const info = await waitForReady(readyFile, first.child, first.stderr);
    expect(Object.keys(info).sort()).toEqual(
      [
        'adminCredentials',
        'bucket',
        'brokerUrl',
        'cognitoEndpoint',
        'developerProviderName',
        'identityPoolId',
        'oidcIssuer',
        'region',
        's3Endpoint',
      ].sort(),
    );
    // The OpenID provider answers discovery at its issuer, and the broker offers it.
    const discovery = (await (await fetch(`${info.oidcIssuer}/.well-known/openid-configuration`)).json()) as {
      issuer: string;
    };
    expect(discovery.issuer).toBe(info.oidcIssuer);
    const methods = (await (await fetch(`${info.brokerUrl}/v1/sign-in-methods`)).json()) as {
      oidc?: { issuer: string };
    };
    expect(methods.oidc?.issuer).toBe(info.oidcIssuer);
    expect(info.brokerUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(info.s3Endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+/);
    expect(info.adminCredentials.accessKeyId).toBeTruthy();
    expect(info.adminCredentials.secretAccessKey).toBeTruthy();

    const res = await signIn(info.brokerUrl, 'alice', 'pw:with:colons');
    expect(res.status).toBe(201);
    const session = (await res.json()) as SessionBody;
    expect(session.endpoints).toEqual({ cognitoIdentity: info.cognitoEndpoint, s3: 'http://127.0.0.1:9' });
    expect(session.bucket).toBe(info.bucket);
    const claims = JSON.parse(Buffer.from(session.token.split('.')[1] ?? '', 'base64url').toString()) as {
      iat: number;
      exp: number;
    };
    expect(claims.exp - claims.iat).toBe(120);
    const creds = await fromCognitoIdentity({
      identityId: session.identityId,
      logins: { 'cognito-identity.amazonaws.com': session.token },
      clientConfig: { region: info.region, endpoint: info.cognitoEndpoint },
    })();
    // 600 s, not Cognito's default hour (an upper bound only: nothing here depends on speed).
    expect((creds.expiration?.getTime() ?? Infinity) - Date.now()).toBeLessThanOrEqual(600_000);

    // SIGTERM to npm itself: the script execs node, so the stack gets the signal and npm exits with its 0.
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    await first.allGone;
    expect(first.stderr()).toMatch(/stopping/);
    expect(await refused(info.brokerUrl)).toBe(true);

    // Started again on the same data: same pool, same keys, same identity for the same user.
    const readyAgain = join(tempDir('stack-ready'), 'ready.json');
    const second = start(dataDir, readyAgain, []);
    const infoAgain = await waitForReady(readyAgain, second.child, second.stderr);
    expect(infoAgain.identityPoolId).toBe(info.identityPoolId);
    expect(infoAgain.adminCredentials).toEqual(info.adminCredentials);
    const again = (await (await signIn(infoAgain.brokerUrl, 'alice', 'pw:with:colons')).json()) as SessionBody;
    expect(again.identityId).toBe(session.identityId);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    await second.allGone;
    expect(await refused(infoAgain.brokerUrl)).toBe(true);
  });

  it('refuses bad options with a message', async () => {
    const readyFile = join(tempDir('stack-ready'), 'ready.json');
    const run = start(tempDir('stack'), readyFile, ['--user', 'no-password']);
    expect(await run.exited).not.toBe(0);
    expect(run.stderr()).toMatch(/NAME:PASSWORD/);
    const tooLong = start(tempDir('stack'), readyFile, ['--token-lifetime', '86401']);
    expect(await tooLong.exited).not.toBe(0);
    expect(tooLong.stderr()).toMatch(/86400/);
    expect(existsSync(readyFile)).toBe(false);
  });
});
