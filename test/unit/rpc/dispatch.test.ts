// The dispatcher is the gate every transport goes through: nothing malformed may reach the engine, and
// nothing the engine throws may escape as a crash. The engine here is a small recording object used
// ONLY to observe which calls get through; it is not a stand-in for the real engine in any other test.
import { describe, expect, it } from 'vitest';
import { commands, type CommandName, type EngineApi, type RpcResponse } from '../../../electron/common/contract.js';
import { createDispatcher } from '../../../electron/rpc/dispatch.js';

const session = { state: 'signed-out', brokerUrl: 'http://127.0.0.1:1', localMode: true, keychain: 'memory' } as const;
const settings = {
  filesInParallel: 2,
  partsInParallel: 4,
  bandwidthLimit: null,
  stabilityWindowMs: 2000,
  ignorePatterns: [],
  startAtLogin: false,
  proxyUrl: null,
  caFile: null,
  notifications: true,
};
const totals = {
  active: 0,
  queued: 0,
  failed: 0,
  done: 0,
  all: 0,
  bytesDone: 0,
  bytesTotal: 0,
  rate: 0,
  pausedAll: false,
};
const folder = { id: 'f1', path: '/tmp/x', label: 'x', state: 'watching', filesSeen: 0 } as const;

/** Valid results for each command, so valid calls succeed and we can see the dispatcher still works. */
const results: { [C in CommandName]: unknown } = {
  'session.get': session,
  'session.signIn': session,
  'session.signOut': session,
  'session.signInMethods': { password: true, browser: true, device: false },
  'session.signInWithBrowser': { url: 'http://127.0.0.1:2/auth', opened: false },
  'session.signInWithDevice': { verificationUri: 'http://127.0.0.1:2/device', userCode: 'ABCD-EFGH', expiresIn: 600 },
  'session.setBroker': session,
  'transfers.list': [],
  'transfers.totals': totals,
  'transfers.add': { ids: ['t1'] },
  'transfers.pause': { ok: true },
  'transfers.resume': { ok: true },
  'transfers.cancel': { ok: true },
  'transfers.retry': { ok: true },
  'transfers.pauseAll': { ok: true },
  'transfers.cancelAll': { cancelled: 0 },
  'transfers.resumeAll': { ok: true },
  'transfers.clearHistory': { ok: true },
  'folders.list': [folder],
  'folders.add': folder,
  'folders.pause': { ok: true },
  'folders.resume': { ok: true },
  'folders.remove': { ok: true },
  'diagnostics.check': { checks: [{ id: 'clock', name: 'Clock', status: 'ok', detail: 'agrees', offsetSeconds: 0 }] },
  'settings.get': settings,
  'settings.update': settings,
  'update.get': { version: '1.2.0', restartWhenIdle: false },
  'update.install': { restarting: false },
  'diagnostics.info': { logsFolder: '/tmp/hoist/logs' },
  'diagnostics.create': {
    name: 'hoist-diagnostics-2026-12-02T14-07-52-123Z.zip',
    path: '/tmp/hoist/diagnostics/hoist-diagnostics-2026-12-02T14-07-52-123Z.zip',
    bytes: 1234,
  },
};

/** Valid params for each command. */
const valid: { [C in CommandName]: unknown } = {
  'session.get': {},
  'session.signIn': { username: 'ada', password: 'pw' },
  'session.signOut': {},
  'session.signInMethods': {},
  'session.signInWithBrowser': {},
  'session.signInWithDevice': {},
  'session.setBroker': { brokerUrl: 'https://sign-in.example.com' },
  'transfers.list': { filter: 'active' },
  'transfers.totals': {},
  'transfers.add': { paths: ['/tmp/a.txt'] },
  'transfers.pause': { id: 't1' },
  'transfers.resume': { id: 't1' },
  'transfers.cancel': { id: 't1' },
  'transfers.retry': { id: 't1' },
  'transfers.pauseAll': {},
  'transfers.cancelAll': {},
  'transfers.resumeAll': {},
  'transfers.clearHistory': {},
  'diagnostics.check': {},
  'folders.list': {},
  'folders.add': { path: '/tmp/x' },
  'folders.pause': { id: 'f1' },
  'folders.resume': { id: 'f1' },
  'folders.remove': { id: 'f1' },
  'settings.get': {},
  'settings.update': { filesInParallel: 3 },
  'update.get': {},
  'update.install': {},
  'diagnostics.info': {},
  'diagnostics.create': {},
};

function recordingEngine(overrides: Partial<Record<CommandName, () => Promise<unknown>>> = {}) {
  const calls: { command: string; params: unknown }[] = [];
  const engine = Object.fromEntries(
    (Object.keys(commands) as CommandName[]).map((name) => [
      name,
      async (params: unknown) => {
        calls.push({ command: name, params });
        const override = overrides[name];
        return override ? override() : results[name];
      },
    ]),
  ) as unknown as EngineApi;
  return { engine, calls };
}

const huge = 'x'.repeat(100_000);
const names = Object.keys(commands) as CommandName[];

/** Bad params for any command: wrong types, non-objects, unknown fields, prototype keys. */
function badParams(name: CommandName): unknown[] {
  const base = valid[name] as Record<string, unknown>;
  const list: unknown[] = [
    null,
    undefined,
    42,
    'params',
    true,
    [],
    [base],
    { ...base, unexpected: 1 },
    JSON.parse(
      `{${Object.entries(base)
        .map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)},`)
        .join('')}"__proto__":{"admin":true}}`,
    ),
    { ...base, constructor: { prototype: { polluted: true } } },
    { ...base, prototype: {} },
  ];
  for (const key of Object.keys(base)) {
    for (const wrong of [huge, 12345, null, {}, [], true, -1]) {
      if (wrong === base[key]) continue;
      list.push({ ...base, [key]: wrong });
    }
    // Local paths may not carry a NUL byte (it would cut the path short in the file system).
    if (key === 'path') list.push({ ...base, path: '/tmp/a\0b' });
    if (key === 'paths') list.push({ ...base, paths: ['/tmp/a\0b'] }, { ...base, paths: Array(10_001).fill('/a') });
  }
  return list;
}

const isError = (r: RpcResponse): r is Extract<RpcResponse, { error: unknown }> => 'error' in r;

describe('dispatcher', () => {
  it('passes valid calls for every command to the engine and returns the result', async () => {
    const { engine, calls } = recordingEngine();
    const dispatch = createDispatcher(engine);
    for (const [i, name] of names.entries()) {
      const response = await dispatch({ id: i, command: name, params: valid[name] });
      expect(response, name).toEqual({ id: i, result: results[name] });
    }
    expect(calls.map((c) => c.command)).toEqual(names);
  });

  it.each([
    ['transfers.cancel', { id: 'x'.repeat(65) }, /^id: An id is at most 64 characters long\.$/],
    ['transfers.add', { paths: ['/' + 'a'.repeat(5000)] }, /^paths\.0: A path can be at most 4,096 characters long\.$/],
    [
      'transfers.add',
      { paths: ['/a'], to: 't'.repeat(1025) },
      /^to: The destination folder can be at most 1,024 characters long\.$/,
    ],
  ] as const)('says which limit %s params broke, in words (%#)', async (command, params, message) => {
    const response = await createDispatcher(recordingEngine().engine)({ id: 1, command, params });
    expect(isError(response) && response.error.message).toMatch(message);
    expect(isError(response) && response.error.message).not.toMatch(/Too big|expected string/);
  });

  it('refuses malformed envelopes with invalid_request', async () => {
    const { engine, calls } = recordingEngine();
    const dispatch = createDispatcher(engine);
    const envelopes: unknown[] = [
      null,
      undefined,
      'session.get',
      42,
      [],
      {},
      { id: 1 },
      { command: 'session.get', params: {} },
      { id: -1, command: 'session.get', params: {} },
      { id: 1.5, command: 'session.get', params: {} },
      { id: '1', command: 'session.get', params: {} },
      { id: 1, command: 7, params: {} },
      { id: 1, command: huge, params: {} },
      { id: 1, command: 'session.get', params: {}, extra: true },
      JSON.parse('{"id":1,"command":"session.get","params":{},"__proto__":{"x":1}}'),
    ];
    for (const raw of envelopes) {
      const response = await dispatch(raw);
      expect(isError(response) && response.error.code, JSON.stringify(raw)?.slice(0, 80)).toBe('invalid_request');
    }
    expect(calls).toEqual([]);
  });

  it('refuses unknown commands, including prototype keys', async () => {
    const { engine, calls } = recordingEngine();
    const dispatch = createDispatcher(engine);
    for (const command of [
      'nope',
      '',
      'constructor',
      '__proto__',
      'toString',
      'hasOwnProperty',
      'valueOf',
      'session',
      'session.get ',
      'SESSION.GET',
    ]) {
      const response = await dispatch({ id: 3, command, params: {} });
      expect(response, command).toMatchObject({ id: 3, error: { code: 'unknown_command' } });
    }
    expect(calls).toEqual([]);
  });

  for (const name of names) {
    it(`${name}: refuses wrong types, huge strings, unknown fields and prototype keys`, async () => {
      const { engine, calls } = recordingEngine();
      const dispatch = createDispatcher(engine);
      for (const params of badParams(name)) {
        const response = await dispatch({ id: 9, command: name, params });
        const label = `${name} ${JSON.stringify(params)?.slice(0, 120)}`;
        expect(isError(response), label).toBe(true);
        if (isError(response)) {
          expect(response.error.code, label).toBe('invalid_params');
          expect(response.id).toBe(9);
          // Messages describe what is wrong without echoing the input back.
          expect(response.error.message.length, label).toBeLessThan(600);
          expect(response.error.message, label).not.toContain('xxxxxxxxxx');
        }
      }
      expect(calls, `${name}: an invalid call reached the engine`).toEqual([]);
      // And the dispatcher still works afterwards.
      expect(await dispatch({ id: 10, command: name, params: valid[name] })).toEqual({ id: 10, result: results[name] });
      expect(({} as Record<string, unknown>).admin).toBeUndefined();
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });
  }

  it('never echoes a password in an error message', async () => {
    const { engine } = recordingEngine();
    const dispatch = createDispatcher(engine);
    const secret = 'hunter2-'.repeat(200);
    const response = await dispatch({
      id: 1,
      command: 'session.signIn',
      params: { username: 'ada', password: secret },
    });
    expect(response).toMatchObject({ error: { code: 'invalid_params' } });
    expect(JSON.stringify(response)).not.toContain('hunter2');
  });

  it('turns engine exceptions into failed responses without stacks and keeps working', async () => {
    const boom = Object.assign(new Error('Wrong username or password.'), { code: 'invalid_credentials' });
    const { engine } = recordingEngine({
      'session.signIn': () => Promise.reject(boom),
      'transfers.pause': () => Promise.reject('a string, not an Error'),
      'settings.get': () => {
        throw new TypeError('sync throw');
      },
    });
    const dispatch = createDispatcher(engine);
    const signIn = await dispatch({ id: 1, command: 'session.signIn', params: { username: 'ada', password: 'pw' } });
    expect(signIn).toEqual({
      id: 1,
      error: { code: 'failed', message: 'Wrong username or password.', detail: 'invalid_credentials' },
    });
    expect(JSON.stringify(signIn)).not.toContain('at ');
    expect(await dispatch({ id: 2, command: 'transfers.pause', params: { id: 't1' } })).toEqual({
      id: 2,
      error: { code: 'failed', message: 'The operation failed.' },
    });
    expect(await dispatch({ id: 3, command: 'settings.get', params: {} })).toEqual({
      id: 3,
      error: { code: 'failed', message: 'sync throw' },
    });
    expect(await dispatch({ id: 4, command: 'session.get', params: {} })).toEqual({ id: 4, result: session });
  });

  it('strips fields the contract does not name from results and refuses results of the wrong shape', async () => {
    const violations: string[] = [];
    const { engine } = recordingEngine({
      'session.get': async () => ({ ...session, refreshToken: 'secret-refresh-token' }),
      'transfers.totals': async () => ({ active: 'many' }),
    });
    const dispatch = createDispatcher(engine, { onContractViolation: (c) => violations.push(c) });
    const got = await dispatch({ id: 1, command: 'session.get', params: {} });
    expect(got).toEqual({ id: 1, result: session });
    expect(JSON.stringify(got)).not.toContain('secret');
    expect(await dispatch({ id: 2, command: 'transfers.totals', params: {} })).toMatchObject({
      id: 2,
      error: { code: 'failed' },
    });
    expect(violations).toEqual(['transfers.totals']);
  });
});
