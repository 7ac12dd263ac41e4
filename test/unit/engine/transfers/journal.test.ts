import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS, openStateDb, type StateDb } from '../../../../electron/engine/state/db.js';
import { createJournal } from '../../../../electron/engine/transfers/journal.js';

let dir: string;
let db: StateDb;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hoist-journal-'));
  db = openStateDb(join(dir, 'state', 'hoist.db'));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const origin = { kind: 'drop' } as const;

describe('state db', () => {
  it('uses WAL, NORMAL sync (FULL inside durably) and records the schema version', () => {
    expect(db.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.sqlite.pragma('synchronous', { simple: true })).toBe(1);
    expect(db.durably(() => db.sqlite.pragma('synchronous', { simple: true }))).toBe(2);
    expect(db.sqlite.pragma('synchronous', { simple: true })).toBe(1);
    expect(db.sqlite.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
  });

  it('migrates an empty database and reopens without re-running migrations', () => {
    db.setMeta('pausedAll', '1');
    db.close();
    db = openStateDb(join(dir, 'state', 'hoist.db'));
    expect(db.getMeta('pausedAll')).toBe('1');
    db.setMeta('pausedAll', undefined);
    expect(db.getMeta('pausedAll')).toBeUndefined();
  });

  it('refuses a database from a newer version', () => {
    db.close();
    const raw = new Database(join(dir, 'state', 'hoist.db'));
    raw.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    raw.close();
    expect(() => openStateDb(join(dir, 'state', 'hoist.db'))).toThrow(/newer/);
    db = openStateDb(join(dir, 'other.db'));
  });
});

describe('journal', () => {
  it('round-trips transfers and parts across a reopen', () => {
    let t = 1000;
    const j = createJournal(db, () => t);
    j.insertMany([
      {
        id: 'a',
        sourcePath: '/x/a.bin',
        destination: 'A/a.bin',
        identityId: 'us-east-1:1',
        origin,
        state: 'queued',
        size: 10,
      },
    ]);
    j.beginVersion('a', { size: 12, mtimeMs: 123.5, ctimeMs: 123.5, ino: '99999999999999999' });
    j.setUpload('a', 'uploads/us-east-1:1/A/a.bin', 'U1', 5 * 1024 * 1024);
    j.putPart('a', { number: 2, size: 7, etag: '"e2"', checksum: 'c2' });
    j.putPart('a', { number: 1, size: 5, etag: '"e1"', checksum: 'c1' });
    t = 2000;
    j.setState('a', 'done');
    db.close();
    db = openStateDb(join(dir, 'state', 'hoist.db'));
    const j2 = createJournal(db);
    const row = j2.get('a');
    expect(row).toMatchObject({
      id: 'a',
      sourcePath: '/x/a.bin',
      destination: 'A/a.bin',
      identityId: 'us-east-1:1',
      origin,
      state: 'done',
      size: 12,
      version: { size: 12, mtimeMs: 123.5, ctimeMs: 123.5, ino: '99999999999999999' },
      uploadId: 'U1',
      objectKey: 'uploads/us-east-1:1/A/a.bin',
      createdAt: 1000,
      finishedAt: 2000,
    });
    expect(j2.parts('a').map((p) => p.number)).toEqual([1, 2]);
  });

  it('queues the old upload id for abort when a new version starts, and never one still referenced', () => {
    const j = createJournal(db);
    j.insertMany([
      { id: 'a', sourcePath: '/a', destination: 'a', identityId: 'id1', origin, state: 'queued', size: 1 },
    ]);
    j.beginVersion('a', { size: 1, mtimeMs: 1, ctimeMs: 1, ino: '1' });
    j.setUpload('a', 'k', 'U1', 5);
    j.putPart('a', { number: 1, size: 5, etag: 'e', checksum: 'c' });
    expect(j.isReferenced('U1')).toBe(true);
    j.beginVersion('a', { size: 2, mtimeMs: 2, ctimeMs: 2, ino: '1' });
    expect(j.parts('a')).toEqual([]);
    expect(j.get('a')?.uploadId).toBeUndefined();
    expect(j.abandoned('id1')).toEqual([{ uploadId: 'U1', objectKey: 'k', identityId: 'id1' }]);
    expect(j.isReferenced('U1')).toBe(false);
  });

  it('markDone with a version records it with the outcome in one write, and returns the row as written', () => {
    let t = 1000;
    const j = createJournal(db, () => t);
    const [inserted] = j.insertMany([
      { id: 'a', sourcePath: '/a', destination: 'a', identityId: 'id1', origin, state: 'queued', size: 1 },
    ]);
    expect(inserted).toEqual({ id: 'a', state: 'queued', size: 1, identityId: 'id1' });
    expect(j.get('a')).toMatchObject({ id: 'a', state: 'queued', size: 1, version: undefined });
    t = 2000;
    const done = j.markDone('a', { size: 4096, mtimeMs: 77.25, ctimeMs: 77.25, ino: '42' });
    expect(done).toMatchObject({
      state: 'done',
      size: 4096,
      version: { size: 4096, mtimeMs: 77.25, ctimeMs: 77.25, ino: '42' },
      finishedAt: 2000,
    });
    expect(j.get('a')).toEqual(done);
    expect(j.abandoned('id1')).toEqual([]);
    // An upload id the row still had is queued for abort, never left behind.
    j.insertMany([
      { id: 'b', sourcePath: '/b', destination: 'b', identityId: 'id1', origin, state: 'queued', size: 1 },
    ]);
    j.setUpload('b', 'kb', 'UB', 5);
    j.putPart('b', { number: 1, size: 5, etag: 'e', checksum: 'c' });
    expect(j.markDone('b', { size: 1, mtimeMs: 1, ctimeMs: 1, ino: '1' })).toMatchObject({
      state: 'done',
      uploadId: undefined,
    });
    expect(j.parts('b')).toEqual([]);
    expect(j.abandoned('id1')).toEqual([{ uploadId: 'UB', objectKey: 'kb', identityId: 'id1' }]);
    expect(j.setState('missing', 'queued')).toBeUndefined();
  });

  it('markDone given the row the queue holds returns exactly the row it wrote, without reading it back', () => {
    let t = 1000;
    const j = createJournal(db, () => t);
    j.insertMany([
      { id: 'a', sourcePath: '/a', destination: 'a', identityId: 'id1', origin, state: 'queued', size: 1, ino: '7' },
    ]);
    j.setState('a', 'failed', { code: 'network', message: 'offline', retryable: true });
    j.setState('a', 'queued');
    const held = j.get('a')!;
    t = 3000;
    const version = { size: 4096, mtimeMs: 77.25, ctimeMs: 78.5, ino: '42' };
    const done = j.markDone('a', version, { ...held, version, size: version.size });
    expect(done).toEqual(j.get('a'));
    expect(done).toMatchObject({ state: 'done', plannedIno: '42', error: undefined, finishedAt: 3000 });
  });

  it('shares one origin object between rows of the same origin', () => {
    const j = createJournal(db);
    const folder = { kind: 'folder', folderId: 'f1' } as const;
    j.insertMany([
      { id: 'a', sourcePath: '/a', destination: 'a', identityId: 'id1', origin: folder, state: 'queued', size: 1 },
      { id: 'b', sourcePath: '/b', destination: 'b', identityId: 'id1', origin: folder, state: 'queued', size: 1 },
    ]);
    const [a, b] = j.all();
    expect(a?.origin).toEqual(folder);
    expect(a?.origin).toBe(b?.origin);
    expect(Object.isFrozen(a?.origin)).toBe(true);
  });

  it('remove forgets the transfer and its parts and abandons its upload', () => {
    const j = createJournal(db);
    j.insertMany([
      { id: 'a', sourcePath: '/a', destination: 'a', identityId: 'id1', origin, state: 'queued', size: 1 },
    ]);
    j.setUpload('a', 'k', 'U2', 5);
    j.putPart('a', { number: 1, size: 5, etag: 'e', checksum: 'c' });
    j.remove('a');
    expect(j.get('a')).toBeUndefined();
    expect(db.sqlite.prepare('SELECT count(*) AS n FROM parts').get()).toEqual({ n: 0 });
    expect(j.abandoned('id1').map((u) => u.uploadId)).toEqual(['U2']);
    j.abandonedDone('U2');
    expect(j.abandoned('id1')).toEqual([]);
  });

  it('clearHistory forgets only finished transfers', () => {
    const j = createJournal(db);
    j.insertMany([
      { id: 'd', sourcePath: '/d', destination: 'd', identityId: undefined, origin, state: 'queued', size: 1 },
      {
        id: 'q',
        sourcePath: '/q',
        destination: 'q',
        identityId: undefined,
        origin: { kind: 'folder', folderId: 'f1' },
        state: 'queued',
        size: 1,
      },
      {
        id: 'f',
        sourcePath: '/f',
        destination: 'f',
        identityId: undefined,
        origin,
        state: 'failed',
        size: 0,
        error: { code: 'file_missing', message: 'gone', retryable: false },
      },
    ]);
    j.setState('d', 'done');
    expect(j.clearHistory()).toEqual(['d']);
    expect(j.all().map((r) => r.id)).toEqual(['q', 'f']);
    expect(j.get('f')?.error).toEqual({ code: 'file_missing', message: 'gone', retryable: false });
    expect(j.get('q')?.origin).toEqual({ kind: 'folder', folderId: 'f1' });
  });
});
