// The engine's state database (SQLite via better-sqlite3): the transfer journal lives here, and any
// other engine state may add tables through MIGRATIONS. Plain Node; depends on nothing of ours.
//
// Durability: WAL + synchronous=FULL. With WAL, NORMAL already survives a process crash (kill -9),
// but a power cut may roll back the last commits: a cancelled transfer could come back, or a new
// upload id be lost. FULL fsyncs each commit; we commit once per finished part (≥ 5 MiB of network
// work), never per byte, so the fsync is noise next to the upload itself.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export interface StateDb {
  readonly sqlite: Database.Database;
  readonly path: string;
  getMeta(key: string): string | undefined;
  setMeta(key: string, value: string | undefined): void;
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
  // Folder sync (electron/engine/folders/store.ts, folderSyncMigration): watched folders, and per file
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
];

export function openStateDb(path: string): StateDb {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  migrate(sqlite);

  const getMeta = sqlite.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?');
  const putMeta = sqlite.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
  const delMeta = sqlite.prepare('DELETE FROM meta WHERE key = ?');
  return {
    sqlite,
    path,
    getMeta: (key) => getMeta.get(key)?.value,
    setMeta: (key, value) => void (value === undefined ? delMeta.run(key) : putMeta.run(key, value)),
    close: () => sqlite.close(),
  };
}

function migrate(sqlite: Database.Database): void {
  const version = sqlite.pragma('user_version', { simple: true }) as number;
  if (version > MIGRATIONS.length) {
    throw new Error(`state database is version ${version}, newer than this Hoist (${MIGRATIONS.length}); refusing to touch it`);
  }
  for (let step = version; step < MIGRATIONS.length; step++) {
    sqlite.transaction(() => {
      sqlite.exec(MIGRATIONS[step] as string);
      sqlite.pragma(`user_version = ${step + 1}`);
    })();
  }
}
