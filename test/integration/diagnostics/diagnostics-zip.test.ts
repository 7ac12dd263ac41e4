// "Save diagnostics" never carries a secret: secrets are planted where a careless report would find them
// (the session's refresh token in the keychain fallback, AWS temporary credentials from a real sign-in at
// the local stack, the proxy password, the broker password, bearer tokens in log lines, the environment),
// the zip is made, unzipped with the real `unzip`, and every file is searched for each of them.
// Not covered: an OpenID authorization code, which only a browser sign-in would bring (the keychain
// and e2e suites drive those).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fromCognitoIdentity } from '@aws-sdk/credential-providers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemorySecretStore } from '../../../electron/engine/auth/secret-store.js';
import { createEngine } from '../../../electron/engine/index.js';
import { logsDirOf, openRotatingLogFile } from '../../../electron/engine/platform/log-file.js';
import { createLogger } from '../../../electron/engine/platform/log.js';
import { signIn, type SessionBody } from '../broker/harness.js';
import { waitForTransfer } from '../../support/engine.js';
import { hoist } from '../../support/hoist-cli.js';
import { startTestStack, type TestStack } from '../../support/stack.js';

const BROKER_PASSWORD = 'broker-pw-Zq81xv0r';
const PROXY_USER = 'proxyuser-k2m9';
const PROXY_PASSWORD = 'proxy-pw-Lw73hd2c';

let env: TestStack;
let work: string;
beforeAll(async () => {
  env = await startTestStack({ users: [{ username: 'ada', password: BROKER_PASSWORD }] });
  work = await mkdtemp(path.join(os.tmpdir(), 'hoist-diagnostics-'));
});
afterAll(async () => {
  await env?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

/** Every file under dir, relative to it. */
async function filesUnder(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(path.join(dir, prefix), { withFileTypes: true })) {
    const rel = path.join(prefix, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(dir, rel)));
    else out.push(rel);
  }
  return out.sort();
}

function unzip(zip: string, into: string): void {
  execFileSync('unzip', ['-q', '-o', zip, '-d', into]);
}

describe('the diagnostics zip', () => {
  it('holds logs, versions, settings and counts, and none of the planted secrets', async () => {
    const dataDir = path.join(work, 'engine-data');
    const secrets = new MemorySecretStore();
    // As the hosts do: the engine's log goes to the rotating file (here at debug, so more reaches it).
    const logFile = openRotatingLogFile(logsDirOf(dataDir));
    const log = createLogger({ sink: logFile.write, level: 'debug' });
    const engine = await createEngine({
      dataDir,
      brokerUrl: env.stack.brokerUrl,
      secrets: { store: secrets },
      log,
      appVersion: '9.8.7',
    });
    const saved = { ...process.env };
    try {
      await engine['session.signIn']({ username: 'ada', password: BROKER_PASSWORD });
      const file = path.join(work, 'report.pdf');
      await writeFile(file, 'a small file');
      const { ids } = await engine['transfers.add']({ paths: [file] });
      await waitForTransfer(engine, ids[0]!, (t) => t.state === 'done');

      // 1. The session's refresh token, kept in the keychain fallback.
      const stored = JSON.parse((await secrets.get('session')) ?? '{}') as { refreshToken?: string };
      const refreshToken = stored.refreshToken!;
      expect(refreshToken.length).toBeGreaterThan(16);
      // 2. Real temporary AWS credentials: another sign-in of the same user, traded at the local Cognito.
      const res = await signIn(env.stack.brokerUrl, 'ada', BROKER_PASSWORD);
      expect(res.status).toBe(201);
      const session = (await res.json()) as SessionBody;
      const credentials = await fromCognitoIdentity({
        identityId: session.identityId,
        logins: { 'cognito-identity.amazonaws.com': session.token },
        clientConfig: { region: session.region, endpoint: session.endpoints?.cognitoIdentity ?? '' },
      })();
      expect(credentials.sessionToken).toBeTruthy();
      // Planted in the log as fields and inside messages, the forms the logger promises to redact.
      log.info('credentials for this run', { credentials, sessionToken: credentials.sessionToken, refreshToken });
      log.warn(`request refused: Authorization: Bearer ${session.token}`);
      log.warn(`presigned: https://s3.example/?X-Amz-Security-Token=${credentials.sessionToken}&X-Amz-Signature=abc`);
      log.error('refresh failed', {
        token: session.token,
        refreshToken: session.refreshToken,
        password: BROKER_PASSWORD,
      });
      // 3. The proxy password, typed into the address (moved to the keychain) and in the environment.
      await engine['settings.update']({ proxyUrl: `http://${PROXY_USER}:${PROXY_PASSWORD}@127.0.0.1:9` });
      expect(await secrets.get('proxy-password')).toBe(PROXY_PASSWORD);
      process.env.HTTPS_PROXY = `http://${PROXY_USER}:${PROXY_PASSWORD}@127.0.0.1:9`;
      // 4. AWS credentials and the broker password in the environment.
      process.env.AWS_ACCESS_KEY_ID = credentials.accessKeyId;
      process.env.AWS_SECRET_ACCESS_KEY = credentials.secretAccessKey;
      process.env.AWS_SESSION_TOKEN = credentials.sessionToken;
      process.env.HOIST_PASSWORD = BROKER_PASSWORD;

      const zip = await engine['diagnostics.create']({});
      expect(zip.path).toBe(path.join(dataDir, 'diagnostics', zip.name));
      expect((await stat(zip.path)).mode & 0o777).toBe(0o600);
      const out = path.join(work, 'unzipped');
      unzip(zip.path, out);
      const files = await filesUnder(out);
      expect(files).toEqual(['README.txt', 'logs/hoist.log', 'settings.json', 'status.json', 'versions.json']);

      const planted = {
        refreshToken,
        brokerRefreshToken: session.refreshToken,
        openIdToken: session.token,
        accessKeyId: credentials.accessKeyId,
        secretAccessKey: credentials.secretAccessKey,
        sessionToken: credentials.sessionToken!,
        proxyPassword: PROXY_PASSWORD,
        proxyUser: PROXY_USER,
        brokerPassword: BROKER_PASSWORD,
      };
      for (const rel of files) {
        const text = await readFile(path.join(out, rel), 'utf8');
        for (const [what, secret] of Object.entries(planted)) {
          expect(text.includes(secret), `${what} found in ${rel}`).toBe(false);
          expect(text.includes(encodeURIComponent(secret)), `${what} (URL-encoded) found in ${rel}`).toBe(false);
        }
      }

      // What it does say.
      const versions = JSON.parse(await readFile(path.join(out, 'versions.json'), 'utf8')) as Record<string, unknown>;
      expect(versions).toMatchObject({
        hoist: '9.8.7',
        node: process.versions.node,
        os: { platform: process.platform },
      });
      expect(versions.environment).toMatchObject({ HTTPS_PROXY: 'set' });
      const settings = JSON.parse(await readFile(path.join(out, 'settings.json'), 'utf8')) as Record<string, unknown>;
      expect(settings).toMatchObject({ proxyUrl: 'http://127.0.0.1:9/', notifications: true, filesInParallel: 4 });
      const status = JSON.parse(await readFile(path.join(out, 'status.json'), 'utf8')) as Record<string, unknown>;
      expect(status).toMatchObject({
        session: { state: 'signed-in', localMode: false },
        transfers: { done: 1, failed: 0, all: 1 },
        folders: { count: 0 },
      });
      const logText = await readFile(path.join(out, 'logs/hoist.log'), 'utf8');
      expect(logText).toContain('credentials for this run');
      expect(logText).toContain('[redacted]');
    } finally {
      process.env = saved;
      await engine.stop();
      logFile.close();
    }
  });

  it('hoist upload writes the log in the data folder, and hoist diagnostics --output saves the zip there', async () => {
    const data = path.join(work, 'cli-data');
    const file = path.join(work, 'notes.txt');
    await writeFile(file, 'notes');
    const cliEnv = { HOIST_USERNAME: 'ada', HOIST_PASSWORD: BROKER_PASSWORD };
    const upload = await hoist(['--data', data, '--broker', env.stack.brokerUrl, 'upload', file], { env: cliEnv });
    expect(upload.code, upload.stderr).toBe(0);
    const logText = await readFile(path.join(data, 'logs', 'hoist.log'), 'utf8');
    expect(logText).toMatch(/"message":"Hoist started".*"kind":"hoist upload"/);

    const output = path.join(work, 'support.zip');
    const result = await hoist(['--data', data, '--broker', env.stack.brokerUrl, 'diagnostics', '--output', output], {
      env: cliEnv,
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.split('\n')[0]).toBe(output);
    const out = path.join(work, 'cli-unzipped');
    unzip(output, out);
    expect(await filesUnder(out)).toEqual([
      'README.txt',
      'logs/hoist.log',
      'settings.json',
      'status.json',
      'versions.json',
    ]);
    for (const rel of await filesUnder(out))
      expect((await readFile(path.join(out, rel), 'utf8')).includes(BROKER_PASSWORD), rel).toBe(false);
    // Handed on: the data folder keeps no copy; and an existing file is never replaced.
    expect(await readdir(path.join(data, 'diagnostics'))).toEqual([]);
    const again = await hoist(['--data', data, '--broker', env.stack.brokerUrl, 'diagnostics', '--output', output]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already exists: choose another --output/);
    expect(existsSync(output)).toBe(true);
  });
});
