// Changing the sign-in service is a deliberate act, never a side effect of an RPC call
// (docs/ARCHITECTURE.md, Trust rules). Through the headless daemon's real WebSocket: session.signIn
// carries no broker, session.setBroker is refused while signed in (no one outside the window can
// confirm), and works once signed out. Through the real engine: the desktop app's confirmation hook
// decides, a pinned deployment never changes, a kept session for another broker is not sent to the one
// chosen for this run, and a refresh answer that disagrees with the deployment stops the session.
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { socketProtocols } from '../../support/headless-socket.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon, type Daemon } from '../../../electron/daemon/daemon.js';
import { MemorySecretStore } from '../../../electron/engine/auth/secret-store.js';
import type { BrokerChange } from '../../../electron/engine/auth/broker-choice.js';
import type { LoadedDeployment } from '../../../electron/engine/deployment/file.js';
import { startTestEngine, waitForSession, type TestEngine } from '../../support/engine.js';
import { startTestStack, type TestStack } from '../../support/stack.js';

const user = { username: 'bea', password: 'broker change passphrase' };
let a: TestStack;
let b: TestStack;

beforeAll(async () => {
  [a, b] = await Promise.all([startTestStack({ users: [user] }), startTestStack({ users: [user] })]);
});
afterAll(async () => {
  await a?.close();
  await b?.close();
});

function pinnedTo(stack: TestStack, overrides: Partial<LoadedDeployment['deployment']> = {}): LoadedDeployment {
  const { brokerUrl, region, identityPoolId, bucket } = stack.stack;
  return {
    file: '/etc/hoist/deployment.json',
    deployment: { brokerUrl, region, identityPoolId, bucket, ...overrides },
  };
}

const developerTokens = (stack: TestStack) =>
  stack.stack.cloud.requestLog.entries().filter((e) => e.operation === 'GetOpenIdTokenForDeveloperIdentity').length;
const credentialRequests = (stack: TestStack) =>
  stack.stack.cloud.requestLog.entries().filter((e) => e.operation === 'GetCredentialsForIdentity').length;

describe('over the headless daemon', () => {
  let engine: TestEngine;
  let daemon: Daemon;
  let ws: WebSocket;
  const token = randomBytes(32).toString('base64url');
  let nextId = 1;

  const rpc = (command: string, params: unknown) =>
    new Promise<{ result?: Record<string, unknown>; error?: { code: string; message: string } }>((resolve) => {
      const id = nextId++;
      const onMessage = (data: WebSocket.RawData) => {
        const message = JSON.parse(data.toString()) as { id?: number };
        if (message.id !== id) return;
        ws.off('message', onMessage);
        resolve(message as never);
      };
      ws.on('message', onMessage);
      ws.send(JSON.stringify({ id, command, params }));
    });

  beforeAll(async () => {
    engine = await startTestEngine({ brokerUrl: a.stack.brokerUrl, explicitBroker: true });
    daemon = await startDaemon({
      engine: engine.engine,
      port: 0,
      rendererDir: 'renderer/dist',
      stagingDir: `${engine.dataDir}/staging`,
      token,
    });
    ws = await new Promise<WebSocket>((resolve, reject) => {
      const socket = new WebSocket(`ws://127.0.0.1:${daemon.port}/rpc`, socketProtocols(token), {
        headers: { origin: `http://127.0.0.1:${daemon.port}` },
      });
      socket.once('open', () => resolve(socket));
      socket.once('error', reject);
    });
  });
  afterAll(async () => {
    ws?.close();
    await daemon?.close();
    await engine?.close();
  });

  it('signs in at the configured broker; a broker URL in session.signIn is refused', async () => {
    const smuggled = await rpc('session.signIn', { ...user, brokerUrl: b.stack.brokerUrl });
    expect(smuggled.error?.code).toBe('invalid_params');
    const before = developerTokens(b);
    const signedIn = await rpc('session.signIn', user);
    expect(signedIn.result).toMatchObject({ state: 'signed-in', brokerUrl: a.stack.brokerUrl });
    expect(developerTokens(b)).toBe(before);
  });

  it('refuses session.setBroker while signed in, and stays signed in where it was', async () => {
    const reply = await rpc('session.setBroker', { brokerUrl: b.stack.brokerUrl });
    expect(reply.error?.message).toBe(
      `Hoist is signed in as ${user.username} at ${a.stack.brokerUrl}; the sign-in service cannot be changed from here while signed in. Sign out ` +
        `first, or restart Hoist with --broker ${b.stack.brokerUrl}.`,
    );
    expect((await rpc('session.get', {})).result).toMatchObject({ state: 'signed-in', brokerUrl: a.stack.brokerUrl });
  });

  it('refuses an http broker off this computer with the reason', async () => {
    await rpc('session.signOut', {});
    const reply = await rpc('session.setBroker', { brokerUrl: 'http://sign-in.example.com/' });
    expect(reply.error?.message).toContain('a sign-in service that is not on this computer must use https');
    expect((await rpc('session.get', {})).result).toMatchObject({ brokerUrl: a.stack.brokerUrl });
  });

  it('changes the broker once signed out; the next sign-in goes there', async () => {
    const changed = await rpc('session.setBroker', { brokerUrl: b.stack.brokerUrl });
    expect(changed.result).toMatchObject({ state: 'signed-out', brokerUrl: b.stack.brokerUrl });
    const before = developerTokens(b);
    expect((await rpc('session.signIn', user)).result).toMatchObject({
      state: 'signed-in',
      brokerUrl: b.stack.brokerUrl,
    });
    expect(developerTokens(b)).toBe(before + 1);
  });
});

describe('in the engine', () => {
  it('asks the confirmation hook while signed in: no keeps the session, yes signs out and changes', async () => {
    const asked: BrokerChange[] = [];
    let answer = false;
    const t = await startTestEngine({
      brokerUrl: a.stack.brokerUrl,
      confirmBrokerChange: async (change) => {
        asked.push(change);
        return answer;
      },
    });
    try {
      await t.engine['session.signIn'](user);
      await expect(t.engine['session.setBroker']({ brokerUrl: b.stack.brokerUrl })).rejects.toThrow(
        `The change was not confirmed: Hoist stays signed in as ${user.username} at ${a.stack.brokerUrl}.`,
      );
      expect(await t.engine['session.get']({})).toMatchObject({ state: 'signed-in', brokerUrl: a.stack.brokerUrl });
      answer = true;
      expect(await t.engine['session.setBroker']({ brokerUrl: b.stack.brokerUrl })).toMatchObject({
        state: 'signed-out',
        brokerUrl: b.stack.brokerUrl,
      });
      expect(asked).toEqual([
        { from: a.stack.brokerUrl, to: b.stack.brokerUrl, username: user.username },
        { from: a.stack.brokerUrl, to: b.stack.brokerUrl, username: user.username },
      ]);
      expect(await t.secrets.store.get('session')).toBeNull();
    } finally {
      await t.close();
    }
  });

  it('never changes a pinned broker, signed in or not, and asks no one', async () => {
    let asked = 0;
    const t = await startTestEngine({
      brokerUrl: b.stack.brokerUrl,
      deployment: pinnedTo(a),
      confirmBrokerChange: async () => (++asked, true),
    });
    try {
      expect(await t.engine['session.get']({})).toMatchObject({
        brokerUrl: a.stack.brokerUrl,
        deployment: { signIn: ['password'] },
      });
      await expect(t.engine['session.setBroker']({ brokerUrl: b.stack.brokerUrl })).rejects.toThrow(
        'The sign-in service is set by your organisation (/etc/hoist/deployment.json) and cannot be changed.',
      );
      await t.engine['session.signIn'](user);
      await expect(t.engine['session.setBroker']({ brokerUrl: b.stack.brokerUrl })).rejects.toThrow(
        'cannot be changed',
      );
      expect(await t.engine['session.get']({})).toMatchObject({ state: 'signed-in', brokerUrl: a.stack.brokerUrl });
      expect(asked).toBe(0);
    } finally {
      await t.close();
    }
  });

  it('does not send a kept session to another broker chosen for this run (--broker)', async () => {
    const secrets = { store: new MemorySecretStore() };
    const first = await startTestEngine({ brokerUrl: a.stack.brokerUrl, explicitBroker: true, secrets });
    await first.engine['session.signIn'](user);
    await first.close();

    const refreshesAtA = developerTokens(a);
    const chosen = await startTestEngine({ brokerUrl: b.stack.brokerUrl, explicitBroker: true, secrets });
    try {
      expect(await chosen.engine['session.get']({})).toMatchObject({
        state: 'signed-out',
        brokerUrl: b.stack.brokerUrl,
      });
      expect(developerTokens(a)).toBe(refreshesAtA);
    } finally {
      await chosen.close();
    }
    // With no broker chosen, the kept session's own broker is used, as chosen at its sign-in.
    const unchosen = await startTestEngine({ brokerUrl: b.stack.brokerUrl, secrets });
    try {
      expect(await unchosen.engine['session.get']({})).toMatchObject({
        state: 'signed-in',
        brokerUrl: a.stack.brokerUrl,
      });
    } finally {
      await unchosen.close();
    }
  });

  it('stops the session when a refresh answers for another bucket than pinned, before asking for credentials', async () => {
    const secrets = { store: new MemorySecretStore() };
    const first = await startTestEngine({ brokerUrl: a.stack.brokerUrl, deployment: pinnedTo(a), secrets });
    await first.engine['session.signIn'](user);
    await first.close();

    const before = credentialRequests(a);
    const repinned = await startTestEngine({
      brokerUrl: a.stack.brokerUrl,
      deployment: pinnedTo(a, { bucket: 'acme-moved-bucket' }),
      secrets,
    });
    try {
      await waitForSession(repinned.engine, 'needs-sign-in');
      const view = await repinned.engine['session.get']({});
      expect(view.notice).toBe(
        `The sign-in service answered with bucket "${a.stack.bucket}" where /etc/hoist/deployment.json pins "acme-moved-bucket". Hoist refused the session, so nothing is uploaded: ask your IT department to check the deployment.`,
      );
      expect(credentialRequests(a)).toBe(before);
    } finally {
      await repinned.close();
    }
  });
});
