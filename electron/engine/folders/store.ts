// The folder tables of the state DB (their schema is the folder-sync step of MIGRATIONS in state/db.ts): which
// folders are watched, and per file the version last handed to the queue or uploaded. This is what
// makes "already uploaded and unchanged" survive restarts.
import type { StateDb } from '../state/db.js';
import type { FileRowState, StoredFile } from './reconcile.js';

export interface FolderRow {
  id: string;
  path: string;
  label: string;
  paused: boolean;
  createdAt: number;
}

export interface FileRecord {
  folderId: string;
  relPath: string;
  size: number;
  mtimeMs: number;
  /** Null in rows written before the change time was recorded. */
  ctimeMs: number | null;
  ino: string;
  hash: string | null;
  state: FileRowState;
  transferId: string | null;
}

interface RawFile {
  folder_id: string;
  rel_path: string;
  size: number;
  mtime_ms: number;
  ctime_ms: number | null;
  ino: string;
  hash: string | null;
  state: FileRowState;
  transfer_id: string | null;
}

const toRecord = (r: RawFile): FileRecord => ({
  folderId: r.folder_id,
  relPath: r.rel_path,
  size: r.size,
  mtimeMs: r.mtime_ms,
  ctimeMs: r.ctime_ms,
  ino: r.ino,
  hash: r.hash,
  state: r.state,
  transferId: r.transfer_id,
});

export type FolderStore = ReturnType<typeof createFolderStore>;

/** The version the queue uploaded (its change time is NaN when the journal does not know it). */
export interface UploadedVersion {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
}

export function createFolderStore(db: StateDb, now: () => number = Date.now) {
  const s = db.sqlite;
  const folders = s.prepare<[], { id: string; path: string; label: string; paused: number; created_at: number }>(
    'SELECT id, path, label, paused, created_at FROM sync_folders ORDER BY created_at, id',
  );
  const insertFolder = s.prepare(
    'INSERT INTO sync_folders (id, path, label, paused, created_at) VALUES (?, ?, ?, 0, ?)',
  );
  const setPaused = s.prepare('UPDATE sync_folders SET paused = ? WHERE id = ?');
  const deleteFolder = s.prepare('DELETE FROM sync_folders WHERE id = ?');
  const deleteFiles = s.prepare('DELETE FROM sync_files WHERE folder_id = ?');
  const getFile = s.prepare<[string, string], RawFile>('SELECT * FROM sync_files WHERE folder_id = ? AND rel_path = ?');
  const byTransfer = s.prepare<[string], RawFile>('SELECT * FROM sync_files WHERE transfer_id = ?');
  const queuedRows = s.prepare<[string], RawFile>(`SELECT * FROM sync_files WHERE folder_id = ? AND state = 'queued'`);
  const putFile = s.prepare(
    `INSERT INTO sync_files (folder_id, rel_path, size, mtime_ms, ctime_ms, ino, hash, state, transfer_id, updated_at)
     VALUES (@folderId, @relPath, @size, @mtimeMs, @ctimeMs, @ino, @hash, @state, @transferId, @now)
     ON CONFLICT(folder_id, rel_path) DO UPDATE SET size = excluded.size, mtime_ms = excluded.mtime_ms, ctime_ms = excluded.ctime_ms, ino = excluded.ino,
       hash = excluded.hash, state = excluded.state, transfer_id = excluded.transfer_id, updated_at = excluded.updated_at`,
  );
  const finish = s.prepare(
    `UPDATE sync_files SET state = @state, size = coalesce(@size, size), mtime_ms = coalesce(@mtimeMs, mtime_ms),
       ctime_ms = CASE WHEN @mtimeMs IS NULL THEN ctime_ms ELSE @ctimeMs END, hash = CASE WHEN @keepHash THEN hash ELSE NULL END, updated_at = @now WHERE transfer_id = @transferId AND state = 'queued'`,
  );
  const touch = s.prepare(
    'UPDATE sync_files SET mtime_ms = ?, ctime_ms = ?, ino = ?, updated_at = ? WHERE folder_id = ? AND rel_path = ?',
  );

  return {
    folders: (): FolderRow[] =>
      folders
        .all()
        .map((r) => ({ id: r.id, path: r.path, label: r.label, paused: r.paused === 1, createdAt: r.created_at })),
    addFolder: (row: Omit<FolderRow, 'paused' | 'createdAt'>): FolderRow => {
      const createdAt = now();
      insertFolder.run(row.id, row.path, row.label, createdAt);
      return { ...row, paused: false, createdAt };
    },
    setPaused: (id: string, paused: boolean) => void setPaused.run(Number(paused), id),
    removeFolder: s.transaction((id: string) => {
      deleteFiles.run(id);
      deleteFolder.run(id);
    }),
    file: (folderId: string, relPath: string): FileRecord | undefined => {
      const r = getFile.get(folderId, relPath);
      return r && toRecord(r);
    },
    fileByTransfer: (transferId: string): FileRecord | undefined => {
      const r = byTransfer.get(transferId);
      return r && toRecord(r);
    },
    queuedFiles: (folderId: string): FileRecord[] => queuedRows.all(folderId).map(toRecord),
    /** One transaction for a whole batch: bulk writes stay short (no per-row fsync). */
    putFiles: s.transaction((rows: FileRecord[]) => {
      const t = now();
      for (const r of rows) putFile.run({ ...r, now: t });
    }),
    /**
     * A queued transfer ended. `version` is what the queue actually read (it may be newer than what
     * was queued); the stored hash is kept only when it belongs to that same version.
     */
    finishTransfer(transferId: string, state: Exclude<FileRowState, 'queued'>, version?: UploadedVersion): void {
      const row = byTransfer.get(transferId);
      const keepHash =
        !version ||
        (row !== undefined &&
          row.size === version.size &&
          row.mtime_ms === version.mtimeMs &&
          row.ctime_ms === version.ctimeMs);
      const ctimeMs = version && Number.isFinite(version.ctimeMs) ? version.ctimeMs : null;
      finish.run({
        transferId,
        state,
        size: version?.size ?? null,
        mtimeMs: version?.mtimeMs ?? null,
        ctimeMs,
        keepHash: keepHash ? 1 : 0,
        now: now(),
      });
    },
    /** Same content under new times (hash compared equal): remember them. */
    touchFile: (folderId: string, relPath: string, times: { mtimeMs: number; ctimeMs: number }, ino: string) =>
      void touch.run(times.mtimeMs, times.ctimeMs, ino, now(), folderId, relPath),
  };
}

export type { StoredFile };
