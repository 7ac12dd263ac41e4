import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStateDb, type StateDb } from '../../../../electron/engine/state/db.js';
import { groupCommit } from '../../../../electron/engine/transfers/journal-group-commit.js';
import { createJournal } from '../../../../electron/engine/transfers/journal.js';

let dir: string;
let db: StateDb;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hoist-group-commit-'));
  db = openStateDb(join(dir, 'state', 'hoist.db'));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const origin = { kind: 'drop' } as const;
const version = (n: number) => ({ size: 4096, mtimeMs: n, ctimeMs: n, ino: String(n) });

function queued(ids: string[]) {
  const j = createJournal(db);
  j.insertMany(
    ids.map(
      (id) =>
        ({ id, sourcePath: `/f/${id}`, destination: id, identityId: 'u', origin, state: 'queued', size: 0 }) as const,
    ),
  );
  return j;
}

describe('grouped done writes', () => {
  it('commits the done writes of one turn together, and resolves each with its row only once committed', async () => {
    const j = queued(['a', 'b', 'c']);
    // A second connection sees only what is committed.
    const other = openStateDb(join(dir, 'state', 'hoist.db'));
    const committed = () =>
      other.sqlite.prepare<[], { n: number }>(`SELECT count(*) AS n FROM transfers WHERE state = 'done'`).get()!.n;
    try {
      const writes = ['a', 'b', 'c'].map((id, i) => j.markDoneGrouped(id, version(i + 1)));
      expect(committed()).toBe(0);
      const rows = await Promise.all(writes);
      expect(rows.map((r) => [r?.id, r?.state, r?.version?.ino])).toEqual([
        ['a', 'done', '1'],
        ['b', 'done', '2'],
        ['c', 'done', '3'],
      ]);
      expect(committed()).toBe(3);
    } finally {
      other.close();
    }
  });

  it('writes a turn’s calls in one transaction, and a later turn in another', async () => {
    const seen: Array<[number, boolean]> = [];
    const write = groupCommit(db.sqlite, (n: number) => {
      seen.push([n, db.sqlite.inTransaction]);
      return n * 2;
    });
    expect(await Promise.all([write(1), write(2), write(3)])).toEqual([2, 4, 6]);
    expect(await write(4)).toBe(8);
    expect(seen).toEqual([
      [1, true],
      [2, true],
      [3, true],
      [4, false], // alone in its turn: no transaction around one statement
    ]);
  });

  it('gives each call its own outcome when one of a group fails: the others are committed', async () => {
    const j = queued(['a', 'b']);
    const write = groupCommit(db.sqlite, (id: string) => {
      if (id === 'bad') throw new Error('no such row');
      return j.markDone(id, version(9));
    });
    const results = await Promise.allSettled([write('a'), write('bad'), write('b')]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ message: 'no such row' });
    expect([j.stateOf('a'), j.stateOf('b')]).toEqual(['done', 'done']);
  });
});
