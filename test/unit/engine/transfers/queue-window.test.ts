// The queue reads its rows from the journal instead of keeping them all: pages newest first, counts
// and byte totals kept in step through every transition and rebuilt the same after a restart, and one
// invalidation (not an event per transfer) when everything changes at once. Real SQLite, real files.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Settings, Totals } from '../../../../electron/common/contract.js';
import { createJournal } from '../../../../electron/engine/transfers/journal.js';
import { useQueueRig } from '../../../support/queue-rig.js';
import type { TransferQueue } from '../../../../electron/engine/transfers/queue.js';
import { defaultSettings } from '../../../../electron/engine/state/settings.js';

const settings: Settings = { ...defaultSettings, filesInParallel: 2, partsInParallel: 2, stabilityWindowMs: 0 };

const rig = useQueueRig('hoist-queue-window-', () => settings);

/** `n` files of `size` bytes, queued in batches whose createdAt differs (the rig.clock moves between them). */
async function queueFiles(
  q: TransferQueue,
  n: number,
  size: number,
  batch = 100,
  origin: { kind: 'drop' } | { kind: 'folder'; folderId: string } = { kind: 'drop' },
): Promise<string[]> {
  const ids: string[] = [];
  for (let start = 0; start < n; start += batch) {
    const items = [];
    for (let i = start; i < Math.min(n, start + batch); i++) {
      const file = join(rig.dir, `f${i}.bin`);
      writeFileSync(file, Buffer.alloc(size));
      items.push({ path: file, destination: `d/f${i}.bin`, origin });
    }
    ids.push(...q.add(items));
    await rig.clock.advance(1000);
  }
  return ids;
}

const counts = (t: Totals) => ({
  all: t.all,
  done: t.done,
  failed: t.failed,
  queued: t.queued,
  active: t.active,
  bytesTotal: t.bytesTotal,
});

describe('transfer queue, windowed', () => {
  it('lists pages newest first, in the order windows sort by, for every filter', async () => {
    const q = rig.open();
    const ids = await queueFiles(q, 1050, 3, 100);
    const all = q.list();
    expect(all).toHaveLength(1050);
    for (let i = 1; i < all.length; i++) {
      const a = all[i - 1]!;
      const b = all[i]!;
      expect(a.createdAt > b.createdAt || (a.createdAt === b.createdAt && a.id > b.id)).toBe(true);
    }
    // The newest batch comes first.
    expect(new Set(all.slice(0, 50).map((t) => t.id)).size).toBe(50);
    expect(all.slice(0, 50).every((t) => ids.slice(1000).includes(t.id))).toBe(true);
    // Pages are slices of the same order.
    const pages = [0, 400, 800].flatMap((offset) => q.list('all', { offset, limit: 400 }));
    expect(pages.map((t) => t.id)).toEqual(all.map((t) => t.id));
    expect(q.list('all', { offset: 1040, limit: 400 })).toHaveLength(10);
    expect(q.list('done', { limit: 10 })).toEqual([]);
    expect(q.list('active', { offset: 1000, limit: 100 })).toHaveLength(50);
  });

  it('keeps counts and byte totals in step through pause, resume, failure, retry, done and cancel, and after a restart', async () => {
    const q = rig.open();
    const ids = await queueFiles(q, 10, 7, 5);
    const [gone] = q.add([
      { path: join(rig.dir, 'missing.bin'), destination: 'missing.bin', origin: { kind: 'drop' } },
    ]);
    expect(counts(q.totals())).toEqual({ all: 11, done: 0, failed: 1, queued: 10, active: 0, bytesTotal: 70 });

    await q.pause(ids[0]!);
    await q.pause(ids[1]!);
    expect(counts(q.totals())).toEqual({ all: 11, done: 0, failed: 1, queued: 8, active: 0, bytesTotal: 70 });
    expect(q.stateOf(ids[0]!)).toBe('paused');
    q.resume(ids[1]!);
    expect(counts(q.totals())).toMatchObject({ queued: 9 });

    // Finished while nobody ran it (another process of the same journal, as after a crash): a restart counts it.
    createJournal(rig.db, () => rig.clock.now()).markDone(ids[2]!);
    const after = rig.open();
    expect(counts(after.totals())).toEqual({ all: 11, done: 1, failed: 1, queued: 8, active: 0, bytesTotal: 63 });
    expect(after.stateOf(ids[2]!)).toBe('done');
    expect(after.list('done').map((t) => t.id)).toEqual([ids[2]]);
    expect(after.list('failed').map((t) => t.id)).toEqual([gone]);

    // A finished one is in the bucket: cancelling it is refused, and it stays in the list and the count.
    await expect(after.cancel(ids[2]!)).rejects.toThrow(/already uploaded/);
    await after.cancel(ids[0]!); // a paused one
    expect(counts(after.totals())).toEqual({ all: 10, done: 1, failed: 1, queued: 8, active: 0, bytesTotal: 56 });
    expect(after.stateOf(ids[0]!)).toBeUndefined();
    await after.cancel(ids[0]!); // twice is harmless
    expect(counts(after.totals())).toMatchObject({ all: 10 });

    after.retry(gone!); // the file is still missing: queued again, it fails again when it runs
    expect(counts(after.totals())).toMatchObject({ failed: 0, queued: 9 });
    expect(counts(rig.open().totals())).toEqual(counts(after.totals()));
  });

  it('pause all and resume all send one invalidation, not an event per transfer', async () => {
    const q = rig.open();
    await queueFiles(q, 3000, 1, 500);
    rig.events = [];
    await q.pauseAll();
    await rig.clock.advance(1000);
    expect(rig.events.filter((e) => e.event === 'transfers.invalidated')).toHaveLength(1);
    expect(rig.events.filter((e) => e.event === 'transfers.changed')).toEqual([]);
    expect(rig.events.filter((e) => e.event === 'totals').at(-1)?.payload).toMatchObject({
      pausedAll: true,
      all: 3000,
    });
    expect(q.list('all', { limit: 5 }).every((t) => t.state === 'paused')).toBe(true);
    expect(q.totals()).toMatchObject({ pausedAll: true, queued: 0, all: 3000 });

    await q.pause(q.list('all', { limit: 1 })[0]!.id);
    await rig.clock.advance(1000); // its own change goes out
    rig.events = [];
    q.resumeAll();
    await rig.clock.advance(1000);
    expect(rig.events.filter((e) => e.event === 'transfers.invalidated')).toHaveLength(1);
    expect(rig.events.filter((e) => e.event === 'transfers.changed')).toEqual([]);
    expect(q.totals()).toMatchObject({ pausedAll: false, queued: 3000 });
    expect(q.list('active')).toHaveLength(3000);
  });

  it('finds transfers by destination and the unfinished ones of a folder', async () => {
    const q = rig.open();
    const first = await queueFiles(q, 3, 2, 3, { kind: 'folder', folderId: 'F1' });
    const second = await queueFiles(q, 2, 2, 2, { kind: 'folder', folderId: 'F2' });
    expect(q.unfinishedOfFolder('F1').sort()).toEqual([...first].sort());
    expect(q.unfinishedOfFolder('F2').sort()).toEqual([...second].sort());
    await q.pause(first[0]!);
    createJournal(rig.db, () => rig.clock.now()).markDone(first[1]!);
    // Paused is unfinished; done is not (as seen by a queue opened after the change).
    expect(rig.open().unfinishedOfFolder('F1').sort()).toEqual([first[0], first[2]].sort());
    // f0 was written by F1's first transfer, then by F2's: newest first.
    expect(q.byDestination('d/f0.bin').map((t) => t.id)).toEqual([second[0], first[0]]);
    expect(q.byDestination('nowhere')).toEqual([]);
  });
});
