import { describe, expect, it } from 'vitest';
import { createAggregator, type AggregatorBatch } from '../../../../electron/engine/folders/aggregator.js';
import { createStabilityTracker, type Observation } from '../../../../electron/engine/folders/stability.js';
import { createFakeClock } from '../../../support/fake-clock.js';

function harness(windowMs = 2_000) {
  const clock = createFakeClock();
  const files = new Map<string, Observation | undefined>();
  const stable: string[] = [];
  const tracker = createStabilityTracker<string>({
    windowMs: () => windowMs,
    clock,
    restat: async (name) => files.get(name),
    onStable: (key) => stable.push(key),
  });
  const write = (name: string, size: number) => {
    const obs = { size, mtimeMs: clock.now(), ctimeMs: clock.now() };
    files.set(name, obs);
    return obs;
  };
  return { clock, files, stable, tracker, write };
}

describe('stability window', () => {
  it('hands a file on only after size and mtime stayed the same for the window', async () => {
    const { clock, stable, tracker, write } = harness();
    tracker.observe('a', 'a', write('a', 10), true);
    await clock.advance(1_900);
    expect(stable).toEqual([]);
    await clock.advance(700);
    expect(stable).toEqual(['a']);
  });

  it('keeps a file that is still being written waiting, then hands it on once', async () => {
    const { clock, stable, tracker, write } = harness();
    let obs = write('video', 0);
    tracker.observe('video', 'video', obs, true);
    // grows every 500 ms for 6 s: longer than the window, but never quiet for the window
    for (let i = 1; i <= 12; i++) {
      await clock.advance(500);
      obs = write('video', i * 100);
      tracker.observe('video', 'video', obs, true);
      expect(stable).toEqual([]);
    }
    await clock.advance(2_600);
    expect(stable).toEqual(['video']);
    await clock.advance(10_000);
    expect(stable).toEqual(['video']);
  });

  it('notices changes made between sweeps even without an event', async () => {
    const { clock, stable, tracker, write } = harness();
    tracker.observe('a', 'a', write('a', 1), true);
    await clock.advance(1_000);
    write('a', 2); // no event reached us
    await clock.advance(1_100);
    expect(stable).toEqual([]); // the re-stat saw a new size: the window starts over
    await clock.advance(2_500);
    expect(stable).toEqual(['a']);
  });

  it('lets a scanned file whose mtime and ctime are old through at once, but never an event', async () => {
    const { clock, stable, tracker } = harness();
    const old = { size: 5, mtimeMs: clock.now() - 60_000, ctimeMs: clock.now() - 60_000 };
    tracker.observe('old', 'old', old, false);
    expect(stable).toEqual(['old']);
    tracker.observe('evented', 'evented', old, true);
    expect(stable).toEqual(['old']);
    // recent ctime (written just now, mtime set back by the writer) waits
    tracker.observe('faked', 'faked', { size: 5, mtimeMs: clock.now() - 60_000, ctimeMs: clock.now() }, false);
    expect(stable).toEqual(['old']);
    expect(tracker.pending()).toBe(2);
  });

  it('drops files that vanish while waiting', async () => {
    const { clock, stable, tracker, write, files } = harness();
    tracker.observe('gone', 'gone', write('gone', 1), true);
    files.set('gone', undefined);
    await clock.advance(5_000);
    expect(stable).toEqual([]);
    expect(tracker.pending()).toBe(0);
  });

  it("forgets a paused folder's files", async () => {
    const { clock, stable, tracker, write } = harness();
    tracker.observe('f1\0a', 'a', write('a', 1), true);
    tracker.observe('f2\0b', 'b', write('b', 1), true);
    tracker.forgetPrefix('f1\0');
    await clock.advance(5_000);
    expect(stable).toEqual(['f2\0b']);
  });
});

describe('watch event aggregator', () => {
  function agg(options: { maxPaths?: number } = {}) {
    const clock = createFakeClock();
    const batches: AggregatorBatch[] = [];
    const aggregator = createAggregator({
      clock,
      quietMs: 250,
      maxDelayMs: 10_000,
      ...options,
      onBatch: (b) => batches.push(b),
    });
    return { clock, batches, aggregator };
  }

  it('coalesces a burst of events on one path into one', async () => {
    const { clock, batches, aggregator } = agg();
    for (let i = 0; i < 100; i++) aggregator.push('file', 'a.txt');
    aggregator.push('file', 'b.txt');
    await clock.advance(300);
    expect(batches).toEqual([{ files: ['a.txt', 'b.txt'], dirs: [], rescan: false }]);
  });

  it('waits for a busy path to go quiet, up to the maximum delay', async () => {
    const { clock, batches, aggregator } = agg();
    for (let t = 0; t < 12_000; t += 100) {
      aggregator.push('file', 'busy.log');
      await clock.advance(100);
    }
    // flushed once at the 10 s maximum, then once more after it went quiet
    expect(batches.length).toBe(1);
    await clock.advance(300);
    expect(batches.map((b) => b.files)).toEqual([['busy.log'], ['busy.log']]);
  });

  it('a directory event covers its path', async () => {
    const { clock, batches, aggregator } = agg();
    aggregator.push('file', 'new');
    aggregator.push('dir', 'new');
    await clock.advance(300);
    expect(batches).toEqual([{ files: [], dirs: ['new'], rescan: false }]);
  });

  it('collapses too many paths into one rescan', async () => {
    const { clock, batches, aggregator } = agg({ maxPaths: 10 });
    for (let i = 0; i < 50; i++) aggregator.push('file', `f${i}`);
    await clock.advance(300);
    expect(batches).toEqual([{ files: [], dirs: [], rescan: true }]);
  });
});
