// Signing in, end to end through real parts: the broker and the local Cognito/S3 over HTTP, the
// real engine and queue. Credentials and tokens that expire every few seconds, a session revoked
// mid-upload, and the secrets that must never show up in logs or anything a window receives.
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../../electron/engine/index.js';
import { sha256, startTestStack, type TestStack } from '../../support/stack.js';
import { startTestEngine, waitForSession, waitForTransfer } from '../../support/engine.js';

const user = { username: 'dana', password: 'a long and secret passphrase' };
let work: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'hoist-auth-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function file(name: string, size: number): Promise<{ path: string; sha: string }> {
  const data = randomBytes(size);
  const p = path.join(work, name);
  await writeFile(p, data);
  return { path: p, sha: sha256(data) };
}

function refreshes(lines: string[], message: string): number {
  return lines.filter((l) => l.includes(`"message":"${message}"`)).length;
}

describe('signing in', () => {
  let env: TestStack;
  beforeAll(async () => {
    env = await startTestStack({ users: [user] });
  });
  afterAll(async () => env?.close());

  it('signs in, uploads under its own prefix, and never shows a secret', async () => {
    const t = await startTestEngine({ brokerUrl: env.stack.brokerUrl });
    try {
      const view = await t.engine['session.signIn'](user);
      expect(view.state).toBe('signed-in');
      expect(view.identityId).toMatch(/^us-east-1:/);
      const src = await file('hello.txt', 1000);
      const { ids } = await t.engine['transfers.add']({ paths: [src.path] });
      await waitForTransfer(t.engine, ids[0]!, (x) => x.state === 'done');
      expect(await env.objectSha256(`uploads/${view.identityId}/hello.txt`)).toBe(src.sha);

      // Everything a window can receive, and the log, are free of the password and the tokens.
      const stored = JSON.parse((await t.secrets.store.get('session'))!) as { refreshToken: string };
      const visible =
        JSON.stringify([
          view,
          await t.engine['session.get']({}),
          await t.engine['transfers.list']({}),
          await t.engine['settings.get']({}),
        ]) + t.logLines.join('\n');
      expect(visible).not.toContain(user.password);
      expect(visible).not.toContain(stored.refreshToken);
      expect(visible).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\./); // an OpenID token (JWT)
      expect(visible).not.toMatch(/ASIA[A-Z0-9]{12,}/); // a temporary access key id
    } finally {
      await t.close();
    }
  });

  it('refuses a wrong password with a clear message', async () => {
    const t = await startTestEngine({ brokerUrl: env.stack.brokerUrl });
    try {
      await expect(t.engine['session.signIn']({ username: user.username, password: 'nope' })).rejects.toThrow(
        'The username or password is not correct.',
      );
      expect((await t.engine['session.get']({})).state).toBe('signed-out');
    } finally {
      await t.close();
    }
  });

  it('says the broker cannot be reached when it is down', async () => {
    // A port that was free a moment ago: nothing listens there.
    const probe = net.createServer().listen(0, '127.0.0.1');
    await once(probe, 'listening');
    const port = (probe.address() as net.AddressInfo).port;
    probe.close();
    const t = await startTestEngine({ brokerUrl: `http://127.0.0.1:${port}/` });
    try {
      await expect(t.engine['session.signIn'](user)).rejects.toThrow(/cannot be reached \(ECONNREFUSED\)/);
    } finally {
      await t.close();
    }
  });
});

describe('credentials that expire every few seconds', () => {
  let env: TestStack;
  beforeAll(async () => {
    env = await startTestStack({ users: [user], credentialLifetimeSeconds: 3, tokenLifetimeSeconds: 3 });
  });
  afterAll(async () => env?.close());

  it('carries a multi-part upload through many refreshes without the user noticing', async () => {
    const t = await startTestEngine({ brokerUrl: env.stack.brokerUrl });
    try {
      const view = await t.engine['session.signIn'](user);
      // One part at a time under a bandwidth cap: four parts, each signed with whatever credentials
      // are current when it starts, spread over several credential and token lifetimes.
      await t.engine['settings.update']({ bandwidthLimit: 4 * 1024 * 1024, filesInParallel: 1, partsInParallel: 1 });
      const src = await file('long.bin', 30 * 1024 * 1024);
      const { ids } = await t.engine['transfers.add']({ paths: [src.path] });
      const seen = new Set<string>();
      const stop = t.engine.events.on('transfers.changed', ({ transfers }) =>
        transfers.forEach((x) => seen.add(x.state)),
      );
      const done = await waitForTransfer(t.engine, ids[0]!, (x) => x.state === 'done' || x.state === 'failed', 120_000);
      stop();
      expect(done.state, JSON.stringify(done.error)).toBe('done');
      expect(seen.has('failed')).toBe(false);
      expect(await env.objectSha256(`uploads/${view.identityId}/long.bin`)).toBe(src.sha);
      expect(refreshes(t.logLines, 'session refreshed')).toBeGreaterThanOrEqual(2);
      expect(refreshes(t.logLines, 'aws credentials fetched')).toBeGreaterThanOrEqual(3);
    } finally {
      await t.close();
    }
  });

  it('waits for sign-in when the session is revoked mid-upload, then finishes after signing in again', async () => {
    const t = await startTestEngine({ brokerUrl: env.stack.brokerUrl });
    try {
      const view = await t.engine['session.signIn'](user);
      await t.engine['settings.update']({ bandwidthLimit: 2 * 1024 * 1024 });
      const src = await file('revoked.bin', 16 * 1024 * 1024);
      const { ids } = await t.engine['transfers.add']({ paths: [src.path] });
      await waitForTransfer(t.engine, ids[0]!, (x) => x.bytesDone > 0);

      const revoke = spawnSync(
        process.execPath,
        [
          '--import',
          'tsx',
          'server/broker/cli.ts',
          '--db',
          path.join(env.dir, 'broker.db'),
          'revoke-sessions',
          user.username,
        ],
        { encoding: 'utf8' },
      );
      expect(revoke.status, revoke.stderr).toBe(0);

      await waitForSession(t.engine, 'needs-sign-in');
      const waiting = await waitForTransfer(
        t.engine,
        ids[0]!,
        (x) => x.state === 'waiting' && x.waitingFor === 'sign-in',
      );
      expect(waiting.error).toBeUndefined();

      await t.engine['settings.update']({ bandwidthLimit: null });
      await t.engine['session.signIn'](user);
      const done = await waitForTransfer(t.engine, ids[0]!, (x) => x.state === 'done' || x.state === 'failed');
      expect(done.state).toBe('done');
      expect(await env.objectSha256(`uploads/${view.identityId}/revoked.bin`)).toBe(src.sha);
    } finally {
      await t.close();
    }
  });
});

describe('restart', () => {
  let env: TestStack;
  beforeAll(async () => {
    env = await startTestStack({ users: [user] });
  });
  afterAll(async () => env?.close());

  it('starts signed in from the kept session, and signing out forgets it', async () => {
    const t = await startTestEngine({ brokerUrl: env.stack.brokerUrl });
    try {
      await t.engine['session.signIn'](user);
      let engine: Engine = await t.restart();
      expect((await engine['session.get']({})).state).toBe('signed-in');
      await engine['session.signOut']({});
      expect(await t.secrets.store.get('session')).toBeNull();
      engine = await t.restart();
      expect((await engine['session.get']({})).state).toBe('signed-out');
    } finally {
      await t.close();
    }
  });
});

describe('sign-out and another identity', () => {
  let env: TestStack;
  const other = { username: 'frank', password: 'another long passphrase' };
  beforeAll(async () => {
    env = await startTestStack({ users: [user, other] });
  });
  afterAll(async () => env?.close());

  it('stops on sign-out, never continues one identity’s upload as another, and resumes for the same identity', async () => {
    const t = await startTestEngine({ brokerUrl: env.stack.brokerUrl });
    try {
      const first = await t.engine['session.signIn'](user);
      await t.engine['settings.update']({ bandwidthLimit: 2 * 1024 * 1024 });
      const src = await file('handover.bin', 12 * 1024 * 1024);
      const { ids } = await t.engine['transfers.add']({ paths: [src.path] });
      await waitForTransfer(t.engine, ids[0]!, (x) => x.bytesDone > 0);

      await t.engine['session.signOut']({});
      await waitForTransfer(t.engine, ids[0]!, (x) => x.state === 'waiting' && x.waitingFor === 'sign-in');

      const second = await t.engine['session.signIn'](other);
      expect(second.identityId).not.toBe(first.identityId);
      await t.engine['settings.update']({ bandwidthLimit: null });
      const mine = await file('theirs.txt', 100);
      const { ids: otherIds } = await t.engine['transfers.add']({ paths: [mine.path] });
      await waitForTransfer(t.engine, otherIds[0]!, (x) => x.state === 'done');
      expect(await env.objectSha256(`uploads/${second.identityId}/theirs.txt`)).toBe(mine.sha);
      // The first identity's transfer did not move to the second identity's prefix.
      expect(await env.listKeys(`uploads/${second.identityId}/handover`)).toEqual([]);
      expect((await t.engine['transfers.list']({})).find((x) => x.id === ids[0])?.state).not.toBe('done');

      await t.engine['session.signIn'](user);
      await waitForTransfer(t.engine, ids[0]!, (x) => x.state === 'done');
      expect(await env.objectSha256(`uploads/${first.identityId}/handover.bin`)).toBe(src.sha);
    } finally {
      await t.close();
    }
  });
});
