// Every connection `hoist upload` makes (the broker, Cognito, S3) goes through a real forward proxy
// (Debian's tinyproxy) when HTTPS_PROXY / HTTP_PROXY say so, and NO_PROXY sends hosts direct. The rig
// puts S3 behind its own port (the fault proxy, passing everything), so the proxy's log tells the three
// apart by port. Through the proxy the pools keep their sockets (a CONNECT per socket, not per request).
// A proxy that refuses, cannot be reached or wants credentials gives a clear error, and the journaled
// transfers finish on the next run without it.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hoist } from '../../support/hoist-cli.js';
import { freePort, startTestProxy, type TestProxy } from '../../support/proxy.js';
import { sha256 } from '../../support/digest.js';
import { startRig, type Rig } from '../reliability/rig.js';

const user = { username: 'pia', password: 'proxy pass phrase 1' };
let rig: Rig;
let work: string;
let proxy: TestProxy | undefined;

/** No proxy variable from the machine running the tests leaks into a run. */
const clean = {
  HTTP_PROXY: '',
  http_proxy: '',
  HTTPS_PROXY: '',
  https_proxy: '',
  NO_PROXY: '',
  no_proxy: '',
  ALL_PROXY: '',
  all_proxy: '',
};

beforeAll(async () => {
  rig = await startRig({ users: [user] });
  work = await mkdtemp(path.join(os.tmpdir(), 'hoist-net-'));
});
afterAll(async () => {
  await rig?.close();
  await rm(work, { recursive: true, force: true });
});
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
});

const hostOf = (url: string): string => new URL(url).host;
const targets = () => ({
  broker: hostOf(rig.brokerUrl),
  cognito: hostOf(rig.cloud.cognitoEndpoint),
  s3: hostOf(rig.proxy.url),
});

interface Report {
  ok: boolean;
  transfers: Array<{ id: string; destination: string; state: string; error?: { message: string } }>;
}

async function files(name: string): Promise<Record<string, Buffer>> {
  const out: Record<string, Buffer> = {
    [`${name}-small.txt`]: randomBytes(3000),
    [`${name}-big.bin`]: randomBytes(12 * 1024 * 1024 + 5),
  };
  for (const [file, data] of Object.entries(out)) await writeFile(path.join(work, file), data);
  return out;
}

function upload(data: string, paths: string[], env: Record<string, string>, options: string[] = []) {
  return hoist(
    [
      '--data',
      path.join(work, data),
      '--broker',
      rig.brokerUrl,
      'upload',
      ...paths.map((p) => path.join(work, p)),
      '--to',
      data,
      '--json',
      ...options,
    ],
    {
      env: { ...clean, HOIST_USERNAME: user.username, HOIST_PASSWORD: user.password, ...env },
      timeoutMs: 120_000,
    },
  );
}

async function expectUploaded(data: string, contents: Record<string, Buffer>): Promise<void> {
  const keys = await rig.listKeys('uploads/');
  for (const [name, bytes] of Object.entries(contents)) {
    const key = keys.find((k) => k.endsWith(`/${data}/${name}`));
    expect(key, name).toBeDefined();
    expect(await rig.objectSha256(key!), name).toBe(sha256(bytes));
  }
}

describe('hoist upload through a proxy', () => {
  it('sends the broker, Cognito and S3 through HTTP_PROXY (lower case too), and the proxy sees each', async () => {
    proxy = await startTestProxy();
    const contents = await files('via');
    const result = await upload('via-proxy', Object.keys(contents), { http_proxy: proxy.url });
    expect(result.code, result.stderr).toBe(0);
    await expectUploaded('via-proxy', contents);
    const seen = new Set(await proxy.connects());
    const { broker, cognito, s3 } = targets();
    expect([...seen].sort()).toEqual([broker, cognito, s3].sort());
  });

  it('keeps its connections through the proxy: one CONNECT per pooled socket, not one per request', async () => {
    proxy = await startTestProxy();
    const many: Record<string, Buffer> = {};
    for (let i = 0; i < 24; i++) many[`reuse-${i}.txt`] = randomBytes(1000 + i);
    for (const [file, data] of Object.entries(many)) await writeFile(path.join(work, file), data);
    const before = rig.cloud.requestLog.entries().length;
    // Two files at a time: the S3 pool never needs more than a few sockets, each tunnelled once.
    const result = await upload('reuse', Object.keys(many), { HTTP_PROXY: proxy.url }, ['--transfers', '2']);
    expect(result.code, result.stderr).toBe(0);
    await expectUploaded('reuse', many);
    const s3Requests = rig.cloud.requestLog
      .entries()
      .slice(before)
      .filter((entry) => entry.protocol === 's3').length;
    const s3Connects = (await proxy.connects()).filter((host) => host === targets().s3).length;
    expect(s3Requests).toBeGreaterThanOrEqual(24);
    expect(s3Connects).toBeGreaterThan(0);
    expect(s3Connects).toBeLessThanOrEqual(4);
  });

  it('goes direct for hosts NO_PROXY lists, and only for those', async () => {
    proxy = await startTestProxy();
    const direct = await files('direct');
    const all = await upload('no-proxy-all', Object.keys(direct), {
      HTTP_PROXY: proxy.url,
      NO_PROXY: 'localhost,127.0.0.1',
    });
    expect(all.code, all.stderr).toBe(0);
    await expectUploaded('no-proxy-all', direct);
    expect(await proxy.connects()).toEqual([]);

    const { broker, cognito, s3 } = targets();
    const some = await upload('no-proxy-broker', Object.keys(direct), {
      HTTP_PROXY: proxy.url,
      no_proxy: `example.com, ${broker}`,
    });
    expect(some.code, some.stderr).toBe(0);
    await expectUploaded('no-proxy-broker', direct);
    expect(new Set(await proxy.connects())).toEqual(new Set([cognito, s3]));
  });

  it('says the proxy wants credentials (407), uses them from the proxy URL, and loses nothing', async () => {
    proxy = await startTestProxy({ basicAuth: { user: 'squiduser', password: 's3cret-proxy' } });
    const contents = await files('auth');
    const { broker } = targets();
    // Sign-in goes direct, uploads hit the proxy without credentials: the transfers fail with the reason.
    const refused = await upload('auth', Object.keys(contents), { HTTP_PROXY: proxy.url, NO_PROXY: broker });
    expect(refused.code).toBe(1);
    const failed = JSON.parse(refused.stdout) as Report;
    expect(failed.ok).toBe(false);
    for (const t of failed.transfers)
      expect(t.error?.message, t.destination).toMatch(
        new RegExp(`the proxy at 127\\.0\\.0\\.1:${proxy.port} asked for credentials \\(HTTP 407\\)`),
      );

    const wrong = await upload('auth', Object.keys(contents), {
      HTTP_PROXY: `http://squiduser:nope@127.0.0.1:${proxy.port}`,
    });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(
      new RegExp(`proxy at 127\\.0\\.0\\.1:${proxy.port} refused the user name and password`),
    );
    expect(wrong.stderr + wrong.stdout).not.toContain('nope');

    const ok = await upload('auth', Object.keys(contents), {
      HTTP_PROXY: `http://squiduser:s3cret-proxy@127.0.0.1:${proxy.port}`,
    });
    expect(ok.code, ok.stderr).toBe(0);
    const done = JSON.parse(ok.stdout) as Report;
    // The same journaled transfers, continued, not new ones.
    expect(done.transfers.map((t) => t.id).sort()).toEqual(failed.transfers.map((t) => t.id).sort());
    await expectUploaded('auth', contents);
    expect(ok.stderr + ok.stdout).not.toContain('s3cret-proxy');
  });

  it('names a proxy that refuses the connection (403) or cannot be reached, and the next run without it finishes', async () => {
    proxy = await startTestProxy({ denyAll: true });
    const contents = await files('deny');
    const denied = await upload('deny', Object.keys(contents), { HTTP_PROXY: proxy.url });
    expect(denied.code).toBe(1);
    expect(denied.stderr).toMatch(
      new RegExp(
        `proxy at 127\\.0\\.0\\.1:${proxy.port} refused the connection to ${hostOf(rig.brokerUrl).replace(/\./g, '\\.')} \\(HTTP 403\\)`,
      ),
    );

    const closedPort = await freePort();
    const unreachable = await upload('deny', Object.keys(contents), { HTTP_PROXY: `http://127.0.0.1:${closedPort}` });
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(
      new RegExp(`the proxy at 127\\.0\\.0\\.1:${closedPort} cannot be reached \\(ECONNREFUSED\\)`),
    );

    const ok = await upload('deny', Object.keys(contents), {});
    expect(ok.code, ok.stderr).toBe(0);
    await expectUploaded('deny', contents);
  });
});
