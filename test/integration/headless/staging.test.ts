// Browser drops staged by the headless daemon: a batch is capped (413 with a clear reason, nothing half
// written), and staged copies nobody will upload are swept at start and on Clear finished, while those an
// unfinished transfer still reads from, and a drop still being made, are kept. Real HTTP and WebSocket
// against startDaemon, a real engine on a real data folder, real files.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { socketProtocols } from '../../support/headless-socket.js';
import { startDaemon, type Daemon } from '../../../electron/daemon/daemon.js';
import { stagingDirOf } from '../../../electron/engine/intake/expand-paths.js';
import { startTestEngine, type TestEngine } from '../../support/engine.js';

const token = 'T'.repeat(43);
const MAX = 1000;
let work: string;
let test: TestEngine;
let staging: string;
let daemon: Daemon;
let stale: string;
let kept: string;

/** A batch left on disk by an earlier run (or a page closed mid-drop), not made by this daemon. */
async function leftBatch(file: string): Promise<string> {
  const batch = path.join(staging, randomUUID());
  await mkdir(batch, { recursive: true });
  await writeFile(path.join(batch, file), 'left behind');
  return batch;
}

function post(query: string, body: Buffer, chunked = false): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: daemon.port,
        method: 'POST',
        path: `/api/stage?${query}`,
        headers: {
          authorization: `Bearer ${token}`,
          origin: `http://127.0.0.1:${daemon.port}`,
          ...(chunked ? { 'transfer-encoding': 'chunked' } : { 'content-length': String(body.length) }),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    if (!chunked) return req.end(body);
    // A body of unknown length, sent in pieces: the cap must hold while it streams.
    for (let i = 0; i < body.length; i += 256) req.write(body.subarray(i, i + 256));
    req.end();
  });
}

function rpc(command: string, params: unknown = {}): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${daemon.port}/rpc`, socketProtocols(token), {
      headers: { origin: `http://127.0.0.1:${daemon.port}` },
    });
    ws.once('error', reject);
    ws.once('open', () => ws.send(JSON.stringify({ id: 1, command, params })));
    ws.on('message', (data) => {
      const message = JSON.parse(data.toString()) as { id?: number };
      if (message.id !== 1) return;
      ws.close();
      resolve(message);
    });
  });
}

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'hoist-staging-'));
  // Never signed in: queued transfers wait, unfinished, which is all this test needs of them.
  test = await startTestEngine({ brokerUrl: 'http://127.0.0.1:9', dataDir: path.join(work, 'data') });
  staging = stagingDirOf(test.dataDir);
  stale = await leftBatch('abandoned.txt');
  kept = await leftBatch('queued.txt');
  const added = await test.engine['transfers.add']({ paths: [kept] });
  expect(added.ids).toHaveLength(1);
  daemon = await startDaemon({
    engine: test.engine,
    port: 0,
    host: '127.0.0.1',
    rendererDir: path.join(work, 'no-renderer'),
    stagingDir: staging,
    token,
    maxBatchBytes: MAX,
  });
});
afterAll(async () => {
  await daemon.close();
  await test.close();
  await rm(work, { recursive: true, force: true });
});

describe('staged drops', () => {
  it('sweeps abandoned staging at start, keeping what an unfinished transfer reads from', () => {
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(path.join(kept, 'queued.txt'))).toBe(true);
  });

  it('refuses a batch past its cap with 413 and a reason, keeps what fit, and writes nothing of the refused file', async () => {
    const first = await post('name=a.bin', Buffer.alloc(600, 1));
    expect(first.status).toBe(201);
    const { batch, path: firstPath } = JSON.parse(first.body) as { batch: string; path: string };
    const over = await post(`name=b.bin&batch=${batch}`, Buffer.alloc(600, 2));
    expect(over.status).toBe(413);
    expect(JSON.parse(over.body)).toEqual({ error: 'batch_too_large', maxBatchBytes: MAX });
    expect(await readdir(path.join(staging, batch))).toEqual(['a.bin']);
    expect(existsSync(firstPath)).toBe(true);
    expect((await post(`name=c.bin&batch=${batch}`, Buffer.alloc(400, 3))).status).toBe(201);

    const streamed = await post('name=big.bin', Buffer.alloc(MAX + 1, 4), true);
    expect(streamed.status).toBe(413);
    const batches = await readdir(staging);
    for (const name of batches)
      expect(await readdir(path.join(staging, name), { recursive: true })).not.toContain('big.bin');
  });

  it('sweeps abandoned staging on Clear finished, keeping a drop still being made', async () => {
    const recent = JSON.parse((await post('name=fresh.txt', Buffer.from('fresh'))).body) as { path: string };
    const leftover = await leftBatch('crashed.txt');
    expect(await rpc('transfers.clearHistory')).toEqual({ id: 1, result: { ok: true } });
    expect(existsSync(leftover)).toBe(false);
    expect(existsSync(recent.path)).toBe(true);
    expect(existsSync(path.join(kept, 'queued.txt'))).toBe(true);
  });
});
