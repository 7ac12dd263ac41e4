// The engine's state database (SQLite via better-sqlite3): the transfer journal lives here, and any
// other engine state may add tables through MIGRATIONS. Plain Node; depends on nothing of ours.
//
// Durability: WAL + synchronous=NORMAL, and FULL for the user's decisions (see durably()). A commit
// under NORMAL is in the OS before it returns, so a process crash (kill -9) never loses it; only an
// OS crash or power cut can roll back the last few. Measured: FULL costs ~1.8 ms of blocked event
// loop per journaled part here (an fsync each), ~20% of the loop at 1 GB/s with 8 MiB parts; NORMAL
// costs 0.03 ms. What a power cut can cost under NORMAL is all safe: a part sent again, an upload id
// forgotten (its upload is aborted by the bucket's lifecycle rule), a finished file uploaded again.
// What it must not cost is a user's cancel or pause coming undone, so those commits are fsynced.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export interface StateDb {
  readonly sqlite: Database.Database;
  readonly path: string;
  getMeta(key: string): string | undefined;
  /** Meta values are settings-like user decisions: written durably. */
  setMeta(key: string, value: string | undefined): void;
  /** Runs `fn` (one transaction) with synchronous=FULL: durable even against a power cut. */
  durably<T>(fn: () => T): T;
  /** Whether a small write can be committed now (after a disk-full error: has room come back?). */
  canWrite(): boolean;
  close(): void;
}

/**
 * Schema steps, applied in order; PRAGMA user_version holds how many ran. Append, never edit a
 * released step: a database written by an older version must migrate forward.
 */
export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
   CREATE TABLE transfers (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     id TEXT NOT NULL UNIQUE,
     source_path TEXT NOT NULL,
     destination TEXT NOT NULL,
     identity_id TEXT,
     origin TEXT NOT NULL,
     state TEXT NOT NULL,
     size INTEGER NOT NULL DEFAULT 0,
     mtime_ms REAL,
     ino TEXT,
     object_key TEXT,
     upload_id TEXT,
     part_size INTEGER,
     completing INTEGER NOT NULL DEFAULT 0,
     error_code TEXT,
     error_message TEXT,
     error_retryable INTEGER,
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL,
     finished_at INTEGER
   );
   CREATE INDEX transfers_state ON transfers(state);
   CREATE TABLE parts (
     transfer_id TEXT NOT NULL REFERENCES transfers(id) ON DELETE CASCADE,
     number INTEGER NOT NULL,
     size INTEGER NOT NULL,
     etag TEXT NOT NULL,
     checksum TEXT NOT NULL,
     PRIMARY KEY (transfer_id, number)
   ) WITHOUT ROWID;
   CREATE TABLE abandoned_uploads (
     upload_id TEXT PRIMARY KEY,
     object_key TEXT NOT NULL,
     identity_id TEXT NOT NULL,
     created_at INTEGER NOT NULL
   ) WITHOUT ROWID;`,
  // Folder sync (electron/engine/folders/store.ts): watched folders, and per file
  // the version last queued or uploaded, so unchanged files are not sent again after a restart.
  `CREATE TABLE sync_folders (
     id TEXT PRIMARY KEY,
     path TEXT NOT NULL UNIQUE,
     label TEXT NOT NULL UNIQUE,
     paused INTEGER NOT NULL DEFAULT 0,
     created_at INTEGER NOT NULL
   ) WITHOUT ROWID;
   CREATE TABLE sync_files (
     folder_id TEXT NOT NULL REFERENCES sync_folders(id) ON DELETE CASCADE,
     rel_path TEXT NOT NULL,
     size INTEGER NOT NULL,
     mtime_ms REAL NOT NULL,
     ino TEXT NOT NULL DEFAULT '',
     hash TEXT,
     state TEXT NOT NULL,
     transfer_id TEXT,
     updated_at INTEGER NOT NULL,
     PRIMARY KEY (folder_id, rel_path)
   ) WITHOUT ROWID;
   CREATE INDEX sync_files_transfer ON sync_files(transfer_id);`,
  // The window reads pages of transfers newest first; adding a file asks which transfers wrote its key.
  `CREATE INDEX transfers_recent ON transfers(created_at, id);
   CREATE INDEX transfers_destination ON transfers(destination);`,
  // A file's change time is part of its version (electron/engine/transfers/file-version.ts); NULL in
  // rows written before it was recorded.
  `ALTER TABLE transfers ADD COLUMN ctime_ms REAL;
   ALTER TABLE sync_files ADD COLUMN ctime_ms REAL;`,
];

/** The disk holding the state database is full (or over quota): nothing can be recorded until there is room. */
export class StorageFullError extends Error {
  override readonly name = 'StorageFullError';
  constructor(readonly dataDir: string) {
    super(
      `The disk holding Hoist's data folder (${dataDir}) is full: Hoist cannot record its progress. Free some space on it; the uploads then ` +
        `continue where they were.`,
    );
  }
}

/** Whether an error means "no space left" for SQLite or the file system. */
export function isStorageFull(error: unknown): boolean {
  if (error instanceof StorageFullError) return true;
  const code = (error as { code?: unknown } | undefined)?.code;
  return code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT';
}

export function openStateDb(path: string): StateDb {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // A checkpointed write-ahead log is cut back to this size instead of keeping its largest size.
  sqlite.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT}`);
  // SQLite's own default page cache (2 MiB), not better-sqlite3's 16 MiB: the engine's queries touch a
  // few pages each, and after a 100,000-file scan the bigger cache left ~14 MiB of freed-but-kept
  // malloc memory in the idle process (measured with test/bench/folder-memory.ts --smaps).
  sqlite.pragma('cache_size = -2000');
  migrate(sqlite);
  const checkpoints = startCheckpoints(sqlite);

  const getMeta = sqlite.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?');
  const putMeta = sqlite.prepare(
    'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
  );
  const delMeta = sqlite.prepare('DELETE FROM meta WHERE key = ?');
  const durably = <T>(fn: () => T): T => {
    sqlite.pragma('synchronous = FULL');
    try {
      return fn();
    } finally {
      sqlite.pragma('synchronous = NORMAL');
    }
  };
  return {
    sqlite,
    path,
    getMeta: (key) => getMeta.get(key)?.value,
    setMeta: (key, value) => durably(() => void (value === undefined ? delMeta.run(key) : putMeta.run(key, value))),
    durably,
    canWrite: () => {
      try {
        sqlite.pragma('wal_checkpoint(PASSIVE)');
        putMeta.run(SPACE_PROBE, 'x'.repeat(4096));
        delMeta.run(SPACE_PROBE);
        return true;
      } catch (error) {
        if (isStorageFull(error)) return false;
        throw error;
      }
    },
    close: () => {
      clearInterval(checkpoints);
      sqlite.close();
    },
  };
}

/** A meta key written and deleted again to find out whether there is room to write. */
const SPACE_PROBE = 'space-probe';
const WAL_SIZE_LIMIT = 4 * 1024 * 1024;
const CHECKPOINT_EVERY_MS = 2_000;
/** Rows changed since the last checkpoint that make the next tick copy the log into the database. */
const CHECKPOINT_AFTER_CHANGES = 1_000;
/** Fewer changes are checkpointed once they are this old. */
const CHECKPOINT_AT_MOST_EVERY_MS = 30_000;

/**
 * Copies the write-ahead log into the database every few seconds when many rows changed (small files
 * make many small commits; a log that only grows also fills a nearly full disk sooner), and at least
 * every half minute when few did. A checkpoint fsyncs the log and the database on the event loop, and
 * on a busy disk an fsync can block for a good part of a second: a big upload's few part rows wait
 * for the half-minute tick or the close instead of stalling its sends every two seconds. A
 * failed checkpoint (disk full) is harmless: the log keeps the pages, and the next one tries again.
 */
function startCheckpoints(sqlite: Database.Database): NodeJS.Timeout {
  const changes = sqlite.prepare<[], number>('SELECT total_changes()').pluck();
  let checkpointedAt = { changes: changes.get() ?? 0, time: Date.now() };
  const timer = setInterval(() => {
    const now = { changes: changes.get() ?? 0, time: Date.now() };
    const pending = now.changes - checkpointedAt.changes;
    const due =
      pending >= CHECKPOINT_AFTER_CHANGES ||
      (pending > 0 && now.time - checkpointedAt.time >= CHECKPOINT_AT_MOST_EVERY_MS);
    if (!due || sqlite.inTransaction) return;
    try {
      sqlite.pragma('wal_checkpoint(PASSIVE)');
      checkpointedAt = now;
    } catch {
      // Retried at the next tick.
    }
  }, CHECKPOINT_EVERY_MS);
  timer.unref();
  return timer;
}

function migrate(sqlite: Database.Database): void {
  const version = sqlite.pragma('user_version', { simple: true }) as number;
  if (version > MIGRATIONS.length) {
    throw new Error(
      `state database is version ${version}, newer than this Hoist (${MIGRATIONS.length}); refusing to touch it`,
    );
  }
  for (let step = version; step < MIGRATIONS.length; step++) {
    sqlite.transaction(() => {
      sqlite.exec(MIGRATIONS[step] as string);
      sqlite.pragma(`user_version = ${step + 1}`);
    })();
  }
}
