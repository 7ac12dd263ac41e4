// The world around the engine failing mid-upload: the broker restarting (with tokens and credentials so
// short-lived that the engine must reach it while it is down), the local cloud restarting on the same port
// and data folder, the network gone for 10 s, the state DB's disk full, the state DB deleted while stopped.
// (Credentials expiring every few seconds on their own: test/integration/auth/session.test.ts.)
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestEngine, type TestEngine } from '../../support/engine.js';
import { MiB, sha256, startRig, type Rig } from './rig.js';
import { makeWorkload } from './workload.js';
import { randomBytes } from 'node:crypto';

const user = { username: 'weather', password: 'stormy weather password 7' };
let work: string;
const open: Array<{ close(): Promise<void> }> = [];

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'hoist-env-'));
});
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close().catch(() => undefined);
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function setUp(
  rigOptions: Parameters<typeof startRig>[0] = {},
  dataDir?: string,
): Promise<{ rig: Rig; engine: TestEngine }> {
  const rig = await startRig({ users: [user], ...rigOptions });
  open.push(rig);
  const engine = await startTestEngine({
    brokerUrl: rig.brokerUrl,
    dataDir: dataDir ?? (await mkdtemp(path.join(work, 'engine-'))),
  });
  open.push(engine);
  await engine.engine['session.signIn']({ username: user.username, password: user.password });
  return { rig, engine };
}

describe('environment faults mid-upload', () => {
  it('survives the broker restarting while tokens and credentials live 4 s', async () => {
    const { rig, engine } = await setUp({ credentialLifetimeSeconds: 4, tokenLifetimeSeconds: 4 });
    rig.proxy.setBandwidth(2 * MiB);
    const workload = makeWorkload(await mkdtemp(path.join(work, 'files-')), 'broker-restart', {
      large: [13 * MiB, 6 * MiB],
      small: 6,
      watched: 3,
    });
    await workload.start(engine.engine);
    await expect.poll(() => rig.proxy.forwarded(), { timeout: 30_000, interval: 20 }).toBeGreaterThan(3);
    await rig.restartBroker(4000);
    await workload.verify(engine.engine, rig);
    const session = await engine.engine['session.get']({});
    expect(session.state).toBe('signed-in');
  });

  it('survives the local cloud restarting (same port, same data) mid-upload', async () => {
    const { rig, engine } = await setUp();
    rig.proxy.setBandwidth(3 * MiB);
    const workload = makeWorkload(await mkdtemp(path.join(work, 'files-')), 'cloud-restart');
    await workload.start(engine.engine);
    await expect
      .poll(() => rig.cloud.requestLog.entries().filter((e) => e.operation === 'UploadPart').length, {
        timeout: 30_000,
        interval: 20,
      })
      .toBeGreaterThan(0);
    await rig.restartCloud(1500);
    await workload.verify(engine.engine, rig);
  });

  it('waits while the network is down for 10 s, says so, and finishes by itself', async () => {
    const { rig, engine } = await setUp();
    rig.proxy.setBandwidth(3 * MiB);
    const workload = makeWorkload(await mkdtemp(path.join(work, 'files-')), 'network-down');
    await workload.start(engine.engine);
    await expect.poll(() => rig.proxy.forwarded(), { timeout: 30_000, interval: 20 }).toBeGreaterThan(2);
    const back = rig.proxy.downFor(10_000);
    await expect
      .poll(
        async () =>
          (await engine.engine['transfers.list']({ filter: 'all' })).some(
            (t) => t.state === 'waiting' && t.waitingFor === 'network',
          ),
        { timeout: 9_000, interval: 100 },
      )
      .toBe(true);
    expect((await engine.engine['transfers.list']({ filter: 'all' })).filter((t) => t.state === 'failed')).toEqual([]);
    await back;
    await workload.verify(engine.engine, rig);
  });
});

describe('the state DB', () => {
  it('rebuilds from a rescan when deleted while stopped: nothing is lost', async () => {
    const { rig, engine } = await setUp();
    const files = await mkdtemp(path.join(work, 'files-'));
    const workload = makeWorkload(files, 'db-deleted', { large: [9 * MiB], small: 4, watched: 5 });
    await workload.start(engine.engine);
    await workload.verify(engine.engine, rig);
    await engine.engine.stop();
    for (const f of readdirSync(engine.dataDir)) if (f.startsWith('state.db')) rmSync(path.join(engine.dataDir, f));
    // while stopped, one more file appears in the watched folder
    const late = randomBytes(3 * MiB + 1);
    writeFileSync(path.join(files, 'db-deleted-watch', 'while-stopped.bin'), late);
    workload.expected.set('db-deleted-watch/while-stopped.bin', sha256(late));

    const again = await engine.restart();
    expect(await again['session.get']({})).toMatchObject({ state: 'signed-in' });
    // The folder list lived in the deleted DB: the user adds the folder again and a rescan rebuilds the state.
    expect(await again['folders.list']({})).toEqual([]);
    await again['folders.add']({ path: path.join(files, 'db-deleted-watch') });
    const { identityId } = await again['session.get']({});
    await expect
      .poll(() => rig.objectSha256(`uploads/${identityId}/db-deleted-watch/while-stopped.bin`), {
        timeout: 60_000,
        interval: 250,
      })
      .toBe(sha256(late));
    await again.whenIdle();
    for (const [key, sha] of workload.expected)
      expect(await rig.objectSha256(`uploads/${identityId}/${key}`), key).toBe(sha);
    expect(await rig.openUploads(`uploads/${identityId}/`)).toEqual([]);
  });

  const canMount = process.platform === 'linux' && process.getuid?.() === 0 && tryMount();
  it.skipIf(!canMount)(
    'on a full disk: a clear error, nothing corrupted, and it recovers when space returns',
    async () => {
      const mount = path.join(work, 'tiny');
      mkdirSync(mount);
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=3m', 'tmpfs', mount]);
      open.push({ close: async () => void execFileSync('umount', ['-l', mount]) });
      const dataDir = path.join(mount, 'data');
      const { rig, engine } = await setUp({}, dataDir);
      const files = await mkdtemp(path.join(work, 'files-'));
      const first = path.join(files, 'before.bin');
      writeFileSync(first, randomBytes(200_000));
      await engine.engine['transfers.add']({ paths: [first] });
      await engine.engine.whenIdle();

      // Fill the disk to the last byte.
      try {
        for (let i = 0; ; i++) writeFileSync(path.join(mount, `filler-${i}`), Buffer.alloc(64 * 1024));
      } catch (error) {
        expect((error as NodeJS.ErrnoException).code).toBe('ENOSPC');
      }
      const many = Array.from({ length: 200 }, (_, i) => {
        const p = path.join(files, `during-${i}.txt`);
        writeFileSync(p, `file ${i} ${'x'.repeat(i)}`);
        return p;
      });
      let refusal: unknown;
      try {
        await engine.engine['transfers.add']({ paths: many });
        await engine.engine.whenIdle();
      } catch (error) {
        refusal = error;
      }
      const listed = await engine.engine['transfers.list']({ filter: 'all' });
      const problems = [
        String((refusal as Error | undefined)?.message ?? ''),
        ...listed.map((t) => t.error?.message ?? ''),
      ].join('\n');
      // Either refused outright or failed per transfer — but said plainly, and the engine keeps serving.
      expect(refusal !== undefined || listed.some((t) => t.state === 'failed'), problems).toBe(true);
      expect(problems).toMatch(/space|disk|full/i);
      expect(await engine.engine['session.get']({})).toMatchObject({ state: 'signed-in' });

      // Space returns.
      for (const f of readdirSync(mount)) if (f.startsWith('filler')) rmSync(path.join(mount, f));
      const { ids } = await engine.engine['transfers.add']({ paths: many });
      for (const id of ids) {
        const t = (await engine.engine['transfers.list']({ filter: 'all' })).find((x) => x.id === id);
        if (t?.state === 'failed') await engine.engine['transfers.retry']({ id });
      }
      await engine.engine.whenIdle();
      const { identityId } = await engine.engine['session.get']({});
      const keys = new Set(await rig.listKeys(`uploads/${identityId}/`));
      for (const p of [first, ...many]) expect(keys.has(`uploads/${identityId}/${path.basename(p)}`), p).toBe(true);
      await engine.engine.stop();
      const db = new Database(path.join(dataDir, 'state.db'), { readonly: true });
      try {
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
        // And it holds what happened once space returned: every transfer added then, done.
        const stored = new Map(
          db
            .prepare<[], { id: string; state: string }>('SELECT id, state FROM transfers')
            .all()
            .map((r) => [r.id, r.state]),
        );
        expect(ids.map((id) => stored.get(id))).toEqual(ids.map(() => 'done'));
      } finally {
        db.close();
      }
    },
  );
});

function tryMount(): boolean {
  const probe = path.join(os.tmpdir(), `hoist-mount-probe-${process.pid}`);
  try {
    mkdirSync(probe, { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probe], { stdio: 'ignore' });
    execFileSync('umount', [probe], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}
