// The window's paged transfer list (renderer/src/app): rows held by index in runs, pages read as they
// come into view, pushed changes placed in order, and the pages held read again when the engine says
// many changed. A fake engine answers transfers.list from an in-memory list in the engine's order.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Transfer, TransferFilter } from '../../../electron/common/contract.js';
import { newestFirst, RowRuns } from '../../../renderer/src/app/rowRuns.js';
import { TransferPages } from '../../../renderer/src/app/transferPages.js';
import { countOf, matches } from '../../../renderer/src/features/transfers/filters.js';

/** Transfer number i: created at i ms, so a higher number is newer. */
const transfer = (i: number, extra: Partial<Transfer> = {}): Transfer => ({
  id: `t${String(i).padStart(6, '0')}`,
  name: `file-${i}.txt`,
  sourcePath: `/f/file-${i}.txt`,
  destination: `file-${i}.txt`,
  size: 10,
  bytesDone: 0,
  state: 'paused',
  rate: 0,
  origin: { kind: 'drop' },
  createdAt: i,
  ...extra,
});

/** An engine holding transfers 0..n-1 that answers transfers.list like the real one. */
function fakeEngine(n: number) {
  const rows = new Map<string, Transfer>();
  for (let i = 0; i < n; i++) rows.set(transfer(i).id, transfer(i));
  const calls: { filter: TransferFilter; offset: number; limit: number }[] = [];
  let held: (() => void)[] | undefined;
  const list = (filter: TransferFilter) => [...rows.values()].filter((t) => matches(filter, t)).sort(newestFirst);
  return {
    rows,
    calls,
    list,
    /** From now on answers wait for release(). */
    hold: () => void (held = []),
    release: () => {
      const waiting = held ?? [];
      held = undefined;
      waiting.forEach((answer) => answer());
    },
    read: (filter: TransferFilter, offset: number, limit: number) => {
      calls.push({ filter, offset, limit });
      return new Promise<Transfer[]>((resolve) => {
        const answer = () => resolve(list(filter).slice(offset, offset + limit));
        if (held) held.push(answer);
        else answer();
      });
    },
  };
}

const names = (pages: TransferPages, from: number, to: number) =>
  Array.from({ length: to - from }, (_, k) => pages.at(from + k)?.createdAt);
const settle = () => vi.advanceTimersByTimeAsync(1_000);

describe('RowRuns', () => {
  const page = (from: number, count: number) => Array.from({ length: count }, (_, k) => transfer(1_000 - from - k));

  it('holds pages by index and says what is missing', () => {
    const runs = new RowRuns();
    runs.replace(0, page(0, 10), false);
    runs.replace(40, page(40, 10), false);
    expect(runs.at(3)?.createdAt).toBe(997);
    expect(runs.at(45)?.createdAt).toBe(955);
    expect(runs.at(20)).toBeUndefined();
    expect(runs.missing(0, 10)).toBe(false);
    expect(runs.missing(5, 15)).toBe(true);
    expect(runs.pages(10)).toEqual([0, 4]);
    runs.replace(10, page(10, 10), false); // touches the first run: one run now
    expect(runs.missing(0, 20)).toBe(false);
  });

  it('places a transfer: held, exactly, or in a gap', () => {
    const runs = new RowRuns();
    runs.replace(0, page(0, 10), false); // 1000..991
    runs.replace(40, page(40, 10), false); // 960..951
    expect(runs.place(transfer(995), 100)).toEqual({ kind: 'held', index: 5 });
    expect(runs.place(transfer(2_000), 100)).toEqual({ kind: 'known', index: 0 });
    expect(runs.place(transfer(975), 100)).toEqual({ kind: 'gap' });
    expect(runs.place(transfer(900), 100)).toEqual({ kind: 'gap' });
    expect(runs.place(transfer(900), 50)).toEqual({ kind: 'known', index: 50 }); // the last run ends the list
    // Between two held rows (same createdAt, ordered by id): exactly there.
    expect(runs.place({ ...transfer(993), id: 't000993a' }, 100)).toEqual({ kind: 'known', index: 7 });
  });

  it('shifts the runs after an inserted or removed row', () => {
    const runs = new RowRuns();
    runs.replace(0, page(0, 10), false);
    runs.replace(40, page(40, 10), false);
    runs.insert(0, transfer(2_000));
    expect(runs.at(0)?.createdAt).toBe(2_000);
    expect(runs.at(41)?.createdAt).toBe(960);
    expect(runs.remove(transfer(995).id)).toBe(true);
    expect(runs.at(40)?.createdAt).toBe(960);
    expect(runs.remove('nope')).toBe(false);
    expect(runs.size).toBe(20);
  });

  it('takes a fresh page over what it held, and drops stale copies held elsewhere', () => {
    const runs = new RowRuns();
    runs.replace(0, page(0, 10), false); // 1000..991
    // A page read after rows were added above: 1000..998 now sit at 7..9.
    runs.replace(5, [transfer(2_000), transfer(1_001), ...page(0, 3)], false);
    expect(runs.at(5)?.createdAt).toBe(2_000);
    expect(runs.at(7)?.createdAt).toBe(1_000);
    expect(runs.at(0)).toBeUndefined(); // its old copy left a hole, read again when seen
    expect(runs.at(3)?.createdAt).toBe(997);
    expect(runs.size).toBe(7);
    runs.replace(6, page(0, 2), true); // the list ends at 8
    expect(runs.at(8)).toBeUndefined();
    expect(runs.size).toBe(5);
  });

  it('keeps only the rows asked for, and knows which sort after a row', () => {
    const runs = new RowRuns();
    runs.replace(0, page(0, 30), false);
    runs.keep([
      [0, 5],
      [20, 25],
    ]);
    expect(runs.size).toBe(10);
    expect(runs.pages(5)).toEqual([0, 4]);
    expect(runs.pagesAfter(transfer(985), 5)).toEqual([4]);
    expect(runs.pagesAfter(null, 5)).toEqual([0, 4]);
    expect(runs.headLast()?.createdAt).toBe(996);
  });
});

describe('TransferPages', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function open(n: number, pageSize = 50) {
    const engine = fakeEngine(n);
    const pages = new TransferPages(engine.read, () => {}, { pageSize, keepPages: 1 });
    pages.setLength(n);
    pages.reload();
    return { engine, pages };
  }

  it('reads the first page, then the pages scrolled into view, once each and never all', async () => {
    const { engine, pages } = open(10_000);
    await settle();
    expect(engine.calls).toEqual([{ filter: 'all', offset: 0, limit: 50 }]);
    expect(pages.at(0)?.createdAt).toBe(9_999);
    expect(pages.at(60)).toBeUndefined();

    engine.hold();
    for (let first = 0; first <= 5_000; first += 500) pages.setView(first, first + 20); // a fast scroll
    await vi.advanceTimersByTimeAsync(200);
    pages.setView(5_000, 5_020);
    await vi.advanceTimersByTimeAsync(200);
    expect(engine.calls.slice(1)).toEqual([{ filter: 'all', offset: 5_000, limit: 50 }]); // only where it stopped, once
    engine.release();
    await settle();
    expect(names(pages, 5_000, 5_002)).toEqual([4_999, 4_998]);
  });

  it('keeps memory bounded by the view while scrolling through 100,000', async () => {
    const { engine, pages } = open(100_000, 200);
    await settle();
    let most = 0;
    for (let first = 0; first < 100_000; first += 2_000) {
      pages.setView(first, first + 30);
      await settle();
      expect(pages.at(first)?.createdAt).toBe(99_999 - first);
      most = Math.max(most, pages.held);
    }
    expect(most).toBeLessThanOrEqual(200 * 5);
    expect(engine.calls.every((c) => c.limit === 200)).toBe(true);
  });

  it('places pushed changes: new ones on top, updates in place, leavers out', async () => {
    const { engine, pages } = open(100, 50);
    pages.show('active', 100);
    await settle();
    // A new transfer, progress on a held one, and one finishing (it leaves Active).
    pages.applyChanged([
      transfer(100, { state: 'queued' }),
      transfer(98, { state: 'uploading', bytesDone: 5 }),
      transfer(97, { state: 'done' }),
    ]);
    expect(names(pages, 0, 4)).toEqual([100, 99, 98, 96]);
    expect(pages.at(2)?.bytesDone).toBe(5);
    expect(pages.length).toBe(100);
    pages.applyRemoved([transfer(99).id]);
    expect(names(pages, 0, 3)).toEqual([100, 98, 96]);
    expect(pages.length).toBe(99);
    await settle();
    expect(engine.calls.filter((c) => c.filter === 'active')).toHaveLength(1); // all placed exactly: nothing read again
  });

  it('reads again the pages after a change it could not place, when the count disagrees', async () => {
    const { engine, pages } = open(1_000, 50);
    await settle();
    pages.setView(500, 520);
    await settle();
    expect(engine.calls.map((c) => c.offset)).toEqual([0, 500]);

    // Transfer 700 (index 299, unread) changes but stays in the list: totals agree, nothing is read.
    pages.applyChanged([transfer(700, { state: 'queued' })]);
    pages.setLength(1_000);
    await settle();
    expect(engine.calls).toHaveLength(2);

    // Transfer 700 is removed from the engine: the rows below it move up one.
    engine.rows.delete(transfer(700).id);
    pages.applyRemoved([transfer(700).id]);
    pages.setLength(999);
    await settle();
    expect(engine.calls.slice(2).map((c) => c.offset)).toEqual([500]); // the page below; not the top
    expect(names(pages, 500, 502)).toEqual([498, 497]);
  });

  it('reads again only the pages held when the engine invalidates them', async () => {
    const { engine, pages } = open(5_000, 100);
    await settle();
    pages.setView(2_000, 2_020);
    await settle();
    for (const t of engine.rows.values()) engine.rows.set(t.id, { ...t, state: 'queued' });
    pages.invalidate();
    pages.invalidate(); // a burst costs one read per page
    await settle();
    expect(
      engine.calls
        .slice(2)
        .map((c) => c.offset)
        .sort((a, b) => a - b),
    ).toEqual([0, 2_000]);
    expect(pages.at(0)?.state).toBe('queued');
    expect(pages.at(2_010)?.state).toBe('queued');
  });

  it('reads a page again when it was invalidated while its request was in flight', async () => {
    const { engine, pages } = open(500, 100);
    await settle();
    engine.hold();
    pages.invalidate();
    await vi.advanceTimersByTimeAsync(150);
    expect(engine.calls).toHaveLength(2);
    pages.invalidate(); // the answer on its way may be older than this
    await vi.advanceTimersByTimeAsync(150);
    expect(engine.calls).toHaveLength(2); // never two at once
    engine.release();
    await settle();
    expect(engine.calls).toHaveLength(3);
  });

  it('switching filter reads its first page and ignores late answers for the old one', async () => {
    const { engine, pages } = open(300, 50);
    for (const i of [10, 20, 30]) engine.rows.set(transfer(i).id, transfer(i, { state: 'done' }));
    engine.hold();
    pages.setView(200, 220);
    await vi.advanceTimersByTimeAsync(150);
    pages.show('done', 3);
    engine.release();
    await settle();
    expect(engine.calls.at(-1)).toEqual({ filter: 'done', offset: 0, limit: 50 });
    expect(names(pages, 0, 4)).toEqual([30, 20, 10, undefined]);
    expect(pages.held).toBe(3);
  });

  it('counts each filter from totals', () => {
    const totals = {
      active: 1,
      queued: 2,
      failed: 3,
      done: 4,
      all: 12,
      bytesDone: 0,
      bytesTotal: 0,
      rate: 0,
      pausedAll: false,
    };
    expect([
      countOf('all', totals),
      countOf('active', totals),
      countOf('done', totals),
      countOf('failed', totals),
    ]).toEqual([12, 5, 4, 3]);
    expect(countOf('all', undefined)).toBe(0);
  });
});
