// What the transports let through, against the real headless command (child process, embedded local
// stack): the window's WebSocket queues files only by handle (an invented path or handle is refused, a
// staged drop's handle works), and the control socket serves only a client that presents the secret
// from the 0600 control file, from a 0700 folder; Hoist's own data folder is refused over it too.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { RpcCallError } from '../../../electron/common/rpc/errors.js';
import { connectControlSocket, connectWithSecret } from '../../../electron/rpc/socket/client.js';
import { startHeadlessCommand, type HeadlessRun } from '../../support/headless-command.js';
import { openDaemonSocket, stageFile, tokenOf } from '../../support/headless-socket.js';
import { pollUntil } from '../../support/poll.js';

let work: string;
let data: string;
let run: HeadlessRun;
let port: number;
let token: string;
let ws: WebSocket;
let frames: unknown[];
let nextId = 1;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'hoist-transports-'));
  data = path.join(work, 'data');
  const readyFile = path.join(work, 'ready.json');
  // No XDG_RUNTIME_DIR: the socket goes in the data folder's private run/ folder.
  const env = { ...process.env };
  delete env.XDG_RUNTIME_DIR;
  run = startHeadlessCommand(['--data', data, '--port', '0', '--ready-file', readyFile], env);
  if (!(await pollUntil(() => existsSync(readyFile), { timeoutMs: 60_000, intervalMs: 200 })))
    throw new Error(`the headless command did not start:\n${run.output()}`);
  const url = new URL((JSON.parse(readFileSync(readyFile, 'utf8')) as { url: string }).url);
  port = Number(url.port);
  token = tokenOf(url);
  ({ ws, frames } = await openDaemonSocket(port, token));
}, 90_000);

afterAll(async () => {
  ws?.close();
  run?.child.kill('SIGTERM');
  await run?.exited;
  await rm(work, { recursive: true, force: true });
});

async function rpc(command: string, params: unknown): Promise<{ result?: unknown; error?: { detail?: string } }> {
  const id = nextId++;
  ws.send(JSON.stringify({ id, command, params }));
  await expect.poll(() => frames.some((f) => (f as { id?: number }).id === id), { timeout: 20_000 }).toBe(true);
  return frames.find((f) => (f as { id?: number }).id === id) as never;
}

describe("the window's WebSocket", () => {
  it('refuses transfers.add with a path the window names, even one that exists, and queues nothing', async () => {
    const secretFile = path.join(work, 'id_rsa');
    await writeFile(secretFile, 'private key');
    const reply = await rpc('transfers.add', { paths: [secretFile] });
    expect(reply.error).toMatchObject({ code: 'failed', detail: 'paths_not_accepted' });
    expect((await rpc('transfers.list', { filter: 'all' })).result).toEqual([]);
  });

  it('refuses a handle it never gave', async () => {
    const reply = await rpc('transfers.add', { handles: ['invented-handle-0123456789'] });
    expect(reply.error).toMatchObject({ code: 'failed', detail: 'unknown_handle' });
  });

  it('queues a staged drop by the handle the staging endpoint gave', async () => {
    const { status, staged } = await stageFile(port, token, 'dropped.txt', 'dropped in the window');
    expect(status).toBe(201);
    const reply = await rpc('transfers.add', { handles: [staged!.handle] });
    expect((reply.result as { ids: string[] }).ids).toHaveLength(1);
    const listed = (await rpc('transfers.list', { filter: 'all' })).result as Array<{ sourcePath: string }>;
    expect(listed.map((t) => t.sourcePath)).toEqual([staged!.path]);
  });
});

describe('the control socket', () => {
  const controlFile = () => JSON.parse(readFileSync(path.join(data, 'control.json'), 'utf8')) as { socket: string };

  it('lives in a 0700 folder, and its secret in a 0600 file of the data folder', () => {
    const { socket } = controlFile();
    expect(path.dirname(socket)).toBe(path.join(data, 'run'));
    expect(statSync(path.dirname(socket)).mode & 0o777).toBe(0o700);
    expect(statSync(path.join(data, 'control.json')).mode & 0o777).toBe(0o600);
  });

  it('answers a client that sends no secret with "unauthorized" and hangs up, serving nothing', async () => {
    const socket = net.connect(controlFile().socket);
    let received = '';
    socket.on('data', (d: Buffer) => (received += d.toString()));
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.write(`${JSON.stringify({ id: 1, command: 'session.get', params: {} })}\n`);
    await closed;
    expect(
      received
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as unknown),
    ).toEqual([{ id: -1, error: { code: 'unauthorized', message: expect.stringMatching(/secret/) } }]);
  });

  it('refuses a wrong secret', async () => {
    await expect(connectWithSecret(controlFile().socket, 'A'.repeat(43))).rejects.toSatisfy(
      (error) => error instanceof RpcCallError && error.code === 'unauthorized',
    );
  });

  it("serves the one with the control file's secret, and refuses Hoist's own data folder and what is in it", async () => {
    const client = await connectControlSocket(data);
    try {
      expect(await client.call('session.get', {})).toMatchObject({ state: 'signed-in' });
      const inside = [data, path.join(data, 'state.db'), path.join(data, 'control.json')];
      const added = await client.call('transfers.add', { paths: inside });
      expect(added.ids).toEqual([]);
      expect(added.skipped?.map((s) => s.path).sort()).toEqual(inside.sort());
      for (const s of added.skipped ?? []) expect(s.reason).toMatch(/Hoist’s own data folder/);
    } finally {
      client.close();
    }
  });
});
