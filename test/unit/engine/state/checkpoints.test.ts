// When the state database copies its write-ahead log into the database file: at the next tick once
// many rows changed, and for a few changes only once they are half a minute old. Real SQLite in a temp
// folder; only the clock is faked, so the test does not wait half a minute. What is observed is the
// database file itself: it grows when a checkpoint copies the logged pages into it.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { openStateDb, type StateDb } from '../../../../electron/engine/state/db.js';

let dir: string;
let db: StateDb;
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
  dir = mkdtempSync(path.join(os.tmpdir(), 'hoist-checkpoints-'));
  db = openStateDb(path.join(dir, 'state.db'));
});
afterEach(() => {
  db.close();
  vi.useRealTimers();
  rmSync(dir, { recursive: true, force: true });
});

const databaseBytes = (): number => statSync(db.path).size;

function changeRows(count: number, tag: string): void {
  const put = db.sqlite.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
  db.sqlite.transaction(() => {
    for (let i = 0; i < count; i++) put.run(`${tag}-${i}`, 'v'.repeat(200));
  })();
}

it('copies the log into the database at the next tick once many rows changed', () => {
  const before = databaseBytes();
  changeRows(1_200, 'many');
  expect(databaseBytes()).toBe(before); // still only in the log
  vi.advanceTimersByTime(2_000);
  expect(databaseBytes()).toBeGreaterThan(before + 200 * 1_000);
});

it('leaves a few changed rows in the log until they are half a minute old', () => {
  changeRows(1_200, 'first');
  vi.advanceTimersByTime(2_000);
  const checkpointed = databaseBytes();
  changeRows(50, 'few');
  vi.advanceTimersByTime(20_000);
  expect(databaseBytes()).toBe(checkpointed);
  vi.advanceTimersByTime(12_000);
  expect(databaseBytes()).toBeGreaterThan(checkpointed);
});
