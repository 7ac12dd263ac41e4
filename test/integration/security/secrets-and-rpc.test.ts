// Secrets and the headless transport, end to end: the real engine behind the real daemon (WebSocket RPC),
// signed in through the real broker. We plant a password, collect the secrets actually issued (the kept
// session with its refresh token, every AWS key and session token the cloud handed out), and search
// everything that could leak them: the engine's log, the CLI's output, error messages, the state DB,
// settings.json, every file of the data folders, and every frame the renderer receives. Then the socket is
// fuzzed (non-JSON, binary, wrong types, huge strings, unknown fields, __proto__/constructor, paths the
// engine must refuse) and must keep serving valid calls.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { socketProtocols, stageFile } from '../../support/headless-socket.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon, type Daemon } from '../../../electron/daemon/daemon.js';
import { MemorySecretStore } from '../../../electron/engine/auth/secret-store.js';
import { startTestEngine, type TestEngine } from '../../support/engine.js';
import { startRig, type Rig } from '../reliability/rig.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const user = { username: 'secretive', password: `planted-password-${randomBytes(8).toString('hex')}` };
const wrongPassword = `planted-wrong-password-${randomBytes(8).toString('hex')}`;

/** A memory keychain that remembers everything ever stored in it. */
class RecordingSecretStore extends MemorySecretStore {
  readonly stored: string[] = [];
  override async set(account: string, secret: string): Promise<void> {
    this.stored.push(secret);
    await super.set(account, secret);
  }
}

let rig: Rig;
let work: string;
let engine: TestEngine;
let daemon: Daemon;
let secretStore: RecordingSecretStore;
const token = randomBytes(32).toString('base64url');
const received: string[] = [];
let ws: WebSocket;

function connect(): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${daemon.port}/rpc`, socketProtocols(token), {
      headers: { origin: `http://127.0.0.1:${daemon.port}` },
    });
    socket.on('message', (data) => received.push(data.toString()));
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}

let nextId = 1;
/** Sends a text frame; resolves with the reply carrying `id` (or the next reply at all when id is not ours). */
function call(
  socket: WebSocket,
  frame: string,
  id?: number,
): Promise<{ id: number; result?: unknown; error?: { code: string; message: string } }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no reply to ${frame.slice(0, 200)}`)), 20_000);
    const onMessage = (data: WebSocket.RawData) => {
      const message = JSON.parse(data.toString()) as { id?: number; event?: string };
      if (message.event !== undefined) return;
      if (id !== undefined && message.id !== id) return;
      clearTimeout(timer);
      socket.off('message', onMessage);
      resolve(message as never);
    };
    socket.on('message', onMessage);
    socket.send(frame);
  });
}
const rpc = (command: string, params: unknown) => {
  const id = nextId++;
  return call(ws, JSON.stringify({ id, command, params }), id);
};

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    const st = statSync(full);
    if (st.isDirectory()) out.push(...filesUnder(full));
    else if (st.isFile()) out.push(full);
  }
  return out;
}

function runCli(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'electron/cli/index.ts'), ...args], {
      cwd: root,
      env: { ...process.env, ...env },
    });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (out += d.toString()));
    p.on('close', (code) => resolve({ code, out }));
  });
}

beforeAll(async () => {
  rig = await startRig({ users: [user], credentialLifetimeSeconds: 5, tokenLifetimeSeconds: 5 });
  work = await mkdtemp(path.join(os.tmpdir(), 'hoist-secrets-'));
  secretStore = new RecordingSecretStore();
  engine = await startTestEngine({ brokerUrl: rig.brokerUrl, secrets: { store: secretStore } });
  const staging = path.join(work, 'staging');
  mkdirSync(staging);
  daemon = await startDaemon({
    engine: engine.engine,
    port: 0,
    rendererDir: path.join(root, 'renderer'),
    stagingDir: staging,
    token,
  });
  ws = await connect();
});
afterAll(async () => {
  ws?.close();
  await daemon?.close();
  await engine?.close();
  await rig?.close();
  await rm(work, { recursive: true, force: true });
});

describe('secrets', () => {
  it('never appear in logs, CLI output, errors, the state DB, settings, data folders or anything the renderer receives', async () => {
    // A wrong password first (its error message is searched too), then the real sign-in, over the socket.
    const refused = await rpc('session.signIn', { username: user.username, password: wrongPassword });
    expect(refused.error?.message).toBeTruthy();
    expect((await rpc('session.signIn', { username: user.username, password: user.password })).result).toMatchObject({
      state: 'signed-in',
    });

    // Upload long enough for credentials and tokens (5 s) to be refreshed a few times.
    const src = path.join(work, 'src');
    mkdirSync(src);
    for (let i = 0; i < 3; i++) writeFileSync(path.join(src, `f${i}.bin`), randomBytes(6 * 1024 * 1024 + i));
    rig.proxy.setBandwidth(2 * 1024 * 1024);
    // As the window does it: the folder is staged through the daemon and queued by its handle.
    let batch: string | undefined;
    let handle = '';
    for (let i = 0; i < 3; i++) {
      const { staged } = await stageFile(
        daemon.port,
        token,
        `src/f${i}.bin`,
        readFileSync(path.join(src, `f${i}.bin`)),
        batch,
      );
      batch = staged!.batch;
      handle = staged!.handle;
    }
    expect((await rpc('transfers.add', { handles: [handle] })).result).toBeDefined();
    await expect
      .poll(
        async () =>
          ((await rpc('transfers.list', { filter: 'all' })).result as Array<{ state: string }>).map((t) => t.state),
        { timeout: 90_000, interval: 250 },
      )
      .toEqual(['done', 'done', 'done']);
    rig.proxy.setBandwidth(null);
    await rpc('folders.add', { path: src });
    await rpc('settings.update', { stabilityWindowMs: 1000 });

    // The CLI: a verbose run with the password from the environment, and one with a wrong password.
    const cliData = path.join(work, 'cli-data');
    const ok = await runCli(
      ['--verbose', '--data', cliData, '--broker', rig.brokerUrl, 'upload', path.join(src, 'f0.bin'), '--json'],
      { HOIST_USERNAME: user.username, HOIST_PASSWORD: user.password },
    );
    expect(ok.code, ok.out).toBe(0);
    const bad = await runCli(
      ['--verbose', '--data', path.join(work, 'cli-bad'), '--broker', rig.brokerUrl, 'upload', src],
      { HOIST_USERNAME: user.username, HOIST_PASSWORD: wrongPassword },
    );
    expect(bad.code).not.toBe(0);

    // The secrets actually issued: what was kept in the keychain (the session and its refresh token),
    // and every key and session token the cloud handed out.
    const kept = secretStore.stored.flatMap((s) => {
      try {
        const fields = Object.entries(JSON.parse(s) as Record<string, unknown>).filter(
          ([k, v]) => /token|secret|password|key/i.test(k) && typeof v === 'string' && v.length >= 20,
        );
        return fields.map(([, v]) => v as string);
      } catch {
        return [s];
      }
    });
    expect(kept.length, 'the kept session holds a refresh token').toBeGreaterThan(0);
    const issued = JSON.parse(readFileSync(path.join(rig.dir, 'cloud', 'credentials.json'), 'utf8')) as unknown;
    const cloudSecrets: string[] = [];
    const walk = (v: unknown, key = ''): void => {
      if (typeof v === 'string' && /secret|session|token/i.test(key) && v.length >= 20) cloudSecrets.push(v);
      else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, k);
    };
    walk(issued);
    expect(cloudSecrets.length).toBeGreaterThan(3);
    const secrets = [user.password, wrongPassword, ...kept, ...cloudSecrets];

    const places: Array<[string, string]> = [
      ['engine log', engine.logLines.join('\n')],
      ['CLI output', ok.out],
      ['CLI output (wrong password)', bad.out],
      ['error message', JSON.stringify(refused)],
      ['renderer frames', received.join('\n')],
      ...[...filesUnder(engine.dataDir), ...filesUnder(cliData)].map((f): [string, string] => [
        f,
        readFileSync(f).toString('latin1'),
      ]),
    ];
    expect(places.some(([p]) => p.endsWith('state.db'))).toBe(true);
    expect(places.some(([p]) => p.endsWith('settings.json'))).toBe(true);
    expect(received.length).toBeGreaterThan(5);
    for (const [place, text] of places) {
      for (const secret of secrets)
        expect(text.includes(secret), `${place} contains a secret (${secret.slice(0, 6)}…)`).toBe(false);
    }
  });
});

describe('the headless WebSocket under fuzz', () => {
  const frames: Array<[string, string]> = [
    ['not JSON', 'hello'],
    ['truncated JSON', '{"id": 1, "command": "session.get"'],
    ['a JSON array', '[1,2,3]'],
    ['a JSON string', '"session.get"'],
    ['null', 'null'],
    ['missing id', JSON.stringify({ command: 'session.get', params: {} })],
    ['id of the wrong type', JSON.stringify({ id: { x: 1 }, command: 'session.get', params: {} })],
    ['unknown command', JSON.stringify({ id: 900, command: 'engine.shutdown', params: {} })],
    ['command __proto__', JSON.stringify({ id: 901, command: '__proto__', params: {} })],
    ['command constructor', JSON.stringify({ id: 902, command: 'constructor', params: {} })],
    ['command toString', JSON.stringify({ id: 903, command: 'toString', params: {} })],
    ['command hasOwnProperty', JSON.stringify({ id: 904, command: 'hasOwnProperty', params: {} })],
    [
      'params __proto__ pollution',
      `{"id":905,"command":"settings.update","params":{"__proto__":{"polluted":true,"filesInParallel":64}}}`,
    ],
    [
      'params constructor.prototype pollution',
      `{"id":906,"command":"settings.update","params":{"constructor":{"prototype":{"polluted":true}}}}`,
    ],
    ['request-level __proto__', `{"id":907,"command":"session.get","params":{},"__proto__":{"polluted":true}}`],
    [
      'wrong type: paths as a string',
      JSON.stringify({ id: 908, command: 'transfers.add', params: { paths: '/etc/passwd' } }),
    ],
    ['wrong type: id as a number', JSON.stringify({ id: 909, command: 'transfers.pause', params: { id: 42 } })],
    [
      'wrong type: settings as strings',
      JSON.stringify({
        id: 910,
        command: 'settings.update',
        params: { filesInParallel: '64', bandwidthLimit: 'none' },
      }),
    ],
    [
      'out of range settings',
      JSON.stringify({ id: 911, command: 'settings.update', params: { filesInParallel: 1e9, partsInParallel: -1 } }),
    ],
    [
      'unknown fields',
      JSON.stringify({ id: 912, command: 'transfers.list', params: { filter: 'all', sql: 'DROP TABLE transfers' } }),
    ],
    [
      'huge string (900 kB) as a label',
      JSON.stringify({ id: 913, command: 'folders.add', params: { path: '/tmp', label: 'x'.repeat(900_000) } }),
    ],
    [
      'huge path',
      JSON.stringify({ id: 914, command: 'transfers.add', params: { paths: ['/' + 'a'.repeat(100_000)] } }),
    ],
    [
      'too many paths',
      JSON.stringify({
        id: 915,
        command: 'transfers.add',
        params: { paths: Array.from({ length: 20_000 }, () => '/x') },
      }),
    ],
    ['NUL in a path', JSON.stringify({ id: 916, command: 'folders.add', params: { path: '/tmp/a\u0000b' } })],
    [
      'a file:// broker URL',
      JSON.stringify({
        id: 917,
        command: 'session.signIn',
        params: { brokerUrl: 'file:///etc/passwd', username: 'a', password: 'b' },
      }),
    ],
    [
      'a javascript: broker URL',
      JSON.stringify({
        id: 918,
        command: 'session.signIn',
        params: { brokerUrl: 'javascript:alert(1)', username: 'a', password: 'b' },
      }),
    ],
    ['negative id', JSON.stringify({ id: -5, command: 'session.get', params: {} })],
    [
      'a path the window names (only handles from drops are taken)',
      JSON.stringify({ id: 919, command: 'transfers.add', params: { paths: ['/etc/passwd'] } }),
    ],
  ];

  it.each(frames)('answers %s with an error and keeps serving', async (_name, frame) => {
    const reply = await call(ws, frame);
    expect(reply.error, JSON.stringify(reply).slice(0, 300)).toBeDefined();
    expect(reply.result).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((await rpc('session.get', {})).result).toMatchObject({ state: 'signed-in' });
  });

  it('refuses folders it must not watch: the data folder, its parent, a relative path, a missing one', async () => {
    for (const p of [
      engine.dataDir,
      path.dirname(engine.dataDir),
      'relative/folder',
      path.join(work, 'does-not-exist'),
    ]) {
      const reply = await rpc('folders.add', { path: p });
      expect(reply.error, p).toBeDefined();
    }
  });

  it('closes the socket on a binary frame; a new socket is served', async () => {
    const victim = await connect();
    const closed = new Promise<number>((resolve) => victim.once('close', (code) => resolve(code)));
    victim.send(Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00, 0xff]), { binary: true });
    expect(await closed).toBe(1003); // unsupported data: the server's own refusal, not a dropped connection (1006)
    const fresh = await connect();
    try {
      expect(
        (await call(fresh, JSON.stringify({ id: 7000, command: 'transfers.totals', params: {} }), 7000)).result,
      ).toBeDefined();
    } finally {
      fresh.close();
    }
  });

  it('kept the settings valid through all of it', async () => {
    const settings = (await rpc('settings.get', {})).result as Record<string, unknown>;
    expect(settings.filesInParallel).not.toBe(64);
    expect(Object.keys(settings).sort()).toEqual([
      'bandwidthLimit',
      'caFile',
      'filesInParallel',
      'ignorePatterns',
      'notifications',
      'partsInParallel',
      'proxyUrl',
      'stabilityWindowMs',
      'startAtLogin',
    ]);
    expect(Object.getPrototypeOf(settings)).toBe(Object.prototype);
  });
});
