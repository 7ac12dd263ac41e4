// The trust rules through the real command line (docs/ARCHITECTURE.md, Trust rules): an http broker off
// this computer is refused before any connection is made, and storage endpoints named by a broker are
// not followed unless everything is loopback. "Off this computer" is this machine's own host name (not
// spelled as loopback, though it may resolve to 127.x): a listener there counts every connection, and an
// https control run shows that a connection WOULD be counted.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCountingListener, type CountingListener } from '../../support/counting-listener.js';
import { hoist, startHoist } from '../../support/hoist-cli.js';
import { startTestStack, type TestStack } from '../../support/stack.js';

const user = { username: 'tess', password: 'trust rules passphrase 15' };
const signInEnv = { HOIST_USERNAME: user.username, HOIST_PASSWORD: user.password };
let work: string;
let listener: CountingListener | undefined;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'hoist-trust-'));
  listener = await startCountingListener();
});
afterAll(async () => {
  await listener?.close();
  await rm(work, { recursive: true, force: true });
});

describe('a broker that is not on this computer', () => {
  it('is refused over http with the reason, and no connection is attempted', async (ctx) => {
    if (!listener) return ctx.skip('this machine has no host name or address that is not loopback');
    const before = listener.connections();
    const r = await hoist(
      [
        '--data',
        path.join(work, 'http'),
        '--broker',
        `http://${listener.host}/`,
        'sign-in',
        '--username',
        user.username,
      ],
      { env: signInEnv },
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`Hoist refuses to sign in at http://${listener.host}`);
    expect(r.stderr).toContain('must use https');
    expect(r.stderr).not.toContain(user.password);
    expect(listener.connections()).toBe(before);

    // The same for `hoist upload`, which would otherwise sign in from the environment.
    const file = path.join(work, 'never.txt');
    await writeFile(file, 'never sent');
    const upload = await hoist(
      ['--data', path.join(work, 'http-upload'), '--broker', `http://${listener.host}/`, 'upload', file],
      { env: signInEnv },
    );
    expect(upload.code).toBe(1);
    expect(upload.stderr).toContain('must use https');
    expect(listener.connections()).toBe(before);
  });

  it('is contacted over https (the control: the listener does see a client that connects)', async (ctx) => {
    if (!listener) return ctx.skip('this machine has no host name or address that is not loopback');
    const before = listener.connections();
    const r = await hoist(
      [
        '--data',
        path.join(work, 'https'),
        '--broker',
        `https://${listener.host}/`,
        'sign-in',
        '--username',
        user.username,
      ],
      { env: signInEnv },
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot be reached/);
    expect(listener.connections()).toBeGreaterThan(before);
  });
});

describe('storage endpoints named by a broker', () => {
  let env: TestStack;
  beforeAll(async () => {
    if (!listener) return;
    // A loopback broker that names an S3 endpoint off this computer (the counting listener).
    env = await startTestStack({ users: [user], advertiseS3Endpoint: `http://${listener.host}` });
  });
  afterAll(async () => env?.close());

  it('are not followed unless they and the broker are all loopback: AWS endpoints are used instead', async (ctx) => {
    if (!listener) return ctx.skip('this machine has no host name or address that is not loopback');
    const before = listener.connections();
    const data = path.join(work, 'endpoints');
    const file = path.join(work, 'elsewhere.bin');
    await writeFile(file, randomBytes(4096));
    const upload = startHoist(['--data', data, '--broker', env.stack.brokerUrl, 'upload', file, '--json'], {
      env: signInEnv,
      timeoutMs: 90_000,
    });
    let stderr = '';
    upload.child.stderr!.on('data', (d: Buffer) => (stderr += d));
    try {
      // Signed in, the answer's endpoints were dropped with a warning...
      await expect.poll(() => stderr, { timeout: 30_000 }).toContain("using AWS's own endpoints for us-east-1");
      // ...and the upload went to AWS's Cognito, which this machine cannot reach (or which does not know
      // this pool): it waits. Had the endpoints been followed, it would have connected to the listener.
      await expect
        .poll(
          async () => {
            if (listener!.connections() > before) return 'connected to the endpoint the broker named';
            const status = await hoist(['--data', data, 'status', '--json']);
            if (status.code !== 0) return 'no status yet';
            const t = (JSON.parse(status.stdout) as { transfers: Array<{ state: string; waitingFor?: string }> })
              .transfers[0];
            return t &&
              ((t.state === 'waiting' && (t.waitingFor === 'network' || t.waitingFor === 'sign-in')) ||
                t.state === 'failed')
              ? 'kept away'
              : 'not yet';
          },
          { timeout: 60_000, interval: 500 },
        )
        .toBe('kept away');
    } finally {
      upload.child.kill('SIGTERM');
      await upload.result;
    }
    expect(listener!.connections()).toBe(before);
    // Neither the local Cognito the broker named was asked for credentials, nor anything stored.
    const entries = env.stack.cloud.requestLog.entries();
    expect(entries.filter((e) => e.operation === 'GetCredentialsForIdentity')).toEqual([]);
    expect(await env.listKeys('uploads/')).toEqual([]);
  });
});
