// The queue's bookkeeping without S3: what add() journals, pause-all across a restart, history,
// cancel of a waiting transfer, and event coalescing. Uploads themselves are integration tests.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { S3Client } from '@aws-sdk/client-s3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Settings, Transfer } from '../../../../electron/common/contract.js';
import { createJournal } from '../../../../electron/engine/transfers/journal.js';
import { useQueueRig } from '../../../support/queue-rig.js';
import { defaultSettings } from '../../../../electron/engine/state/settings.js';

const settings: Settings = { ...defaultSettings, filesInParallel: 2, partsInParallel: 2, stabilityWindowMs: 0 };
const drop = { kind: 'drop' } as const;

const rig = useQueueRig('hoist-queue-', () => settings);

describe('transfer queue (no network)', () => {
  it('journals what it is given and refuses what it cannot upload, with reasons', () => {
    writeFileSync(join(rig.dir, 'a.txt'), 'hello');
    mkdirSync(join(rig.dir, 'folder'));
    const q = rig.open();
    const ids = q.add([
      { path: join(rig.dir, 'a.txt'), destination: 'docs/a.txt', origin: drop },
      { path: join(rig.dir, 'missing'), destination: 'missing', origin: drop },
      { path: join(rig.dir, 'folder'), destination: 'folder', origin: drop },
      { path: join(rig.dir, 'a.txt'), destination: '../../etc/a.txt', origin: { kind: 'folder', folderId: 'f1' } },
    ]);
    const byId = new Map(q.list().map((t) => [t.id, t]));
    expect(byId.get(ids[0]!)).toMatchObject({
      state: 'waiting',
      waitingFor: 'sign-in',
      size: 5,
      name: 'a.txt',
      destination: 'docs/a.txt',
      bytesDone: 0,
    });
    expect(byId.get(ids[1]!)?.error).toMatchObject({ code: 'file_missing', retryable: false });
    expect(byId.get(ids[2]!)?.error).toMatchObject({ code: 'not_a_file' });
    expect(byId.get(ids[3]!)?.error).toMatchObject({ code: 'invalid_destination' });
    expect(byId.get(ids[3]!)?.origin).toEqual({ kind: 'folder', folderId: 'f1' });
    expect(q.totals()).toMatchObject({
      queued: 1,
      failed: 3,
      active: 0,
      bytesTotal: 5,
      bytesDone: 0,
      pausedAll: false,
    });
    expect(q.list('failed')).toHaveLength(3);
    expect(q.list('active')).toHaveLength(1);
    // journaled before add() returned: a second queue on the same database sees them
    expect(
      rig
        .open()
        .list()
        .map((t) => t.id)
        .sort(),
    ).toEqual([...ids].sort());
  });

  it('is idle when signed out: nothing can make progress', async () => {
    writeFileSync(join(rig.dir, 'a.txt'), 'hello');
    const q = rig.open();
    q.start();
    q.add([{ path: join(rig.dir, 'a.txt'), destination: 'a.txt', origin: drop }]);
    await q.whenIdle();
    await q.stop();
  });

  it('pause all survives a restart; resume all clears it and resumes paused transfers', async () => {
    writeFileSync(join(rig.dir, 'a.txt'), 'hello');
    let q = rig.open();
    const [id] = q.add([{ path: join(rig.dir, 'a.txt'), destination: 'a.txt', origin: drop }]);
    await q.pause(id!);
    await q.pauseAll();
    q = rig.open();
    expect(q.totals().pausedAll).toBe(true);
    expect(q.list()[0]?.state).toBe('paused');
    q.resumeAll();
    expect(q.totals().pausedAll).toBe(false);
    expect(rig.open().totals().pausedAll).toBe(false);
    expect(q.list()[0]?.state).toBe('waiting'); // queued again, waiting for sign-in
  });

  it('cancel forgets the transfer and queues its multipart upload for abort', async () => {
    writeFileSync(join(rig.dir, 'a.txt'), 'hello');
    const q = rig.open();
    const [id] = q.add([{ path: join(rig.dir, 'a.txt'), destination: 'a.txt', origin: drop }]);
    const journal = createJournal(rig.db);
    journal.setIdentity(id!, 'us-east-1:x');
    journal.setUpload(id!, 'uploads/us-east-1:x/a.txt', 'U1', 5 << 20);
    await q.cancel(id!);
    expect(q.list()).toEqual([]);
    expect(rig.events).toContainEqual({ event: 'transfers.removed', payload: { ids: [id] } });
    expect(journal.abandoned('us-east-1:x').map((u) => u.uploadId)).toEqual(['U1']);
  });

  it('clearHistory forgets finished transfers only', () => {
    writeFileSync(join(rig.dir, 'a.txt'), 'hello');
    const q0 = rig.open();
    const [done, queued] = q0.add([
      { path: join(rig.dir, 'a.txt'), destination: 'a.txt', origin: drop },
      { path: join(rig.dir, 'a.txt'), destination: 'b.txt', origin: drop },
    ]);
    createJournal(rig.db, () => rig.clock.now()).markDone(done!);
    const q = rig.open();
    expect(q.list('done').map((t) => t.id)).toEqual([done]);
    expect(q.list('done')[0]).toMatchObject({ bytesDone: 5, finishedAt: rig.clock.now() });
    q.clearHistory();
    expect(q.list().map((t) => t.id)).toEqual([queued]);
    expect(rig.events).toContainEqual({ event: 'transfers.removed', payload: { ids: [done] } });
  });

  it('publishes the end of the last run at once, not at the next 100 ms', async () => {
    const file = join(rig.dir, 'a.txt');
    writeFileSync(file, 'hello');
    const q = rig.open();
    q.start();
    // Never reached: the run ends on reading the file, which is gone by then.
    const s3 = new S3Client({
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:9',
      credentials: { accessKeyId: 'unused', secretAccessKey: 'unused' },
    });
    q.setTarget({ s3, bucket: 'b', keyPrefix: 'uploads/me/', identityId: 'me' });
    const [id] = q.add([{ path: file, destination: 'a.txt', origin: drop }]);
    rmSync(file);
    await q.whenIdle();
    const published = rig.events
      .filter((e) => e.event === 'transfers.changed')
      .flatMap((e) => (e.payload as { transfers: Transfer[] }).transfers);
    // The fake clock never moved: a throttled publish would still be waiting.
    expect(published.filter((t) => t.id === id).at(-1)).toMatchObject({
      state: 'failed',
      error: { code: 'file_missing' },
    });
    await q.stop();
  });

  it('coalesces changes of any number of transfers into at most one event per 100 ms', async () => {
    writeFileSync(join(rig.dir, 'a.txt'), 'hello');
    const q = rig.open();
    const count = () => rig.events.filter((e) => e.event === 'transfers.changed').length;
    q.add([{ path: join(rig.dir, 'a.txt'), destination: 'first.txt', origin: drop }]);
    expect(count()).toBe(1); // a lone change goes out at once
    for (let i = 0; i < 2; i++)
      q.add(
        Array.from({ length: 100 }, (_, n) => ({
          path: join(rig.dir, 'a.txt'),
          destination: `d${i}/${n}.txt`,
          origin: drop,
        })),
      );
    expect(count()).toBe(1);
    await rig.clock.advance(100);
    expect(count()).toBe(2);
    const last = rig.events.filter((e) => e.event === 'transfers.changed').at(-1)!.payload as { transfers: unknown[] };
    expect(last.transfers).toHaveLength(200);
    expect(rig.events.filter((e) => e.event === 'totals')).toHaveLength(2);

    // Past 200 queued transfers in one go, one invalidation instead of the rows.
    for (let i = 2; i < 5; i++)
      q.add(
        Array.from({ length: 200 }, (_, n) => ({
          path: join(rig.dir, 'a.txt'),
          destination: `d${i}/${n}.txt`,
          origin: drop,
        })),
      );
    await rig.clock.advance(100);
    expect(count()).toBe(2);
    expect(rig.events.filter((e) => e.event === 'transfers.invalidated')).toHaveLength(1);
    expect(rig.events.filter((e) => e.event === 'totals').at(-1)?.payload).toMatchObject({ all: 801 });
  });
});
