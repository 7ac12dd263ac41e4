// The journal's SQL, prepared once per database: one statement per read or write the journal makes.
import type Database from 'better-sqlite3';
import type { JournalState, PartRow, RawTransfer } from './journal-rows.js';

/**
 * Runs a write with RETURNING and gives its first row. Never `.get()` for these: better-sqlite3 then
 * resets the statement before it finishes, and an error at commit (SQLITE_FULL on a full disk) is lost:
 * the row comes back as written although nothing was stored. `.all()` steps to the end and throws it.
 */
export function returning<P>(statement: Database.Statement<[P], RawTransfer>, params: P): RawTransfer | undefined {
  return statement.all(params)[0];
}

export type JournalStatements = ReturnType<typeof prepareStatements>;

export function prepareStatements(s: Database.Database) {
  const insert = s.prepare<[Record<string, unknown>]>(
    `INSERT INTO transfers (id, source_path, destination, identity_id, origin, state, size, ino, error_code, error_message, error_retryable, created_at, updated_at, finished_at)
     VALUES (@id, @sourcePath, @destination, @identityId, @origin, @state, @size, @ino, @errorCode, @errorMessage, @errorRetryable, @now, @now, @finishedAt)`,
  );
  const all = s.prepare<[], RawTransfer>('SELECT * FROM transfers ORDER BY seq');
  const indexRows = s.prepare<[], { id: string; state: JournalState; size: number; identity_id: string | null }>(
    'SELECT id, state, size, identity_id FROM transfers ORDER BY seq',
  );
  // Newest first, in the order windows sort by (createdAt, then id, descending). LIMIT -1 = no limit.
  const pageAll = s.prepare<[number, number], RawTransfer>(
    'SELECT * FROM transfers ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?',
  );
  const pageIn = s.prepare<[string, number, number], RawTransfer>(
    'SELECT * FROM transfers WHERE state IN (SELECT value FROM json_each(?)) ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?',
  );
  const byDestination = s.prepare<[string], { id: string; sourcePath: string; state: JournalState }>(
    'SELECT id, source_path AS sourcePath, state FROM transfers WHERE destination = ? ORDER BY seq DESC',
  );
  const stateOf = s.prepare<[string], { state: JournalState }>('SELECT state FROM transfers WHERE id = ?');
  const unfinishedOfFolder = s.prepare<[string], { id: string }>(
    `SELECT id FROM transfers WHERE state IN ('queued', 'uploading', 'verifying', 'paused') AND json_extract(origin, '$.kind') = 'folder'
       AND json_extract(origin, '$.folderId') = ? ORDER BY seq`,
  );
  const one = s.prepare<[string], RawTransfer>('SELECT * FROM transfers WHERE id = ?');
  const partBytes = s.prepare<[], { id: string; bytes: number }>(
    'SELECT transfer_id AS id, sum(size) AS bytes FROM parts GROUP BY transfer_id',
  );
  const setStateStmt = s.prepare<[Record<string, unknown>], RawTransfer>(
    `UPDATE transfers SET state = @state, error_code = @errorCode, error_message = @errorMessage, error_retryable = @errorRetryable,
       finished_at = @finishedAt, updated_at = @now WHERE id = @id RETURNING *`,
  );
  // Done on a version never journaled before (a small file sent in one PUT): the version and the
  // outcome go in the same write.
  const doneVersionStmt = s.prepare<[Record<string, unknown>], RawTransfer>(
    `UPDATE transfers SET state = 'done', size = @size, mtime_ms = @mtimeMs, ctime_ms = @ctimeMs, ino = @ino, object_key = NULL, upload_id = NULL,
       part_size = NULL, completing = 0, error_code = NULL, error_message = NULL, error_retryable = NULL,
       finished_at = @now, updated_at = @now WHERE id = @id RETURNING *`,
  );
  // Its common case in one statement: no upload id to abandon, no parts to delete.
  const doneVersionBareStmt = s.prepare<[Record<string, unknown>]>(
    `UPDATE transfers SET state = 'done', size = @size, mtime_ms = @mtimeMs, ctime_ms = @ctimeMs, ino = @ino, object_key = NULL, part_size = NULL,
       completing = 0, error_code = NULL, error_message = NULL, error_retryable = NULL, finished_at = @now, updated_at = @now
     WHERE id = @id AND upload_id IS NULL AND NOT EXISTS (SELECT 1 FROM parts WHERE transfer_id = @id)`,
  );
  const setIdentityStmt = s.prepare('UPDATE transfers SET identity_id = ?, updated_at = ? WHERE id = ?');
  const beginVersion = s.prepare(
    `UPDATE transfers SET size = @size, mtime_ms = @mtimeMs, ctime_ms = @ctimeMs, ino = @ino, object_key = NULL, upload_id = NULL, part_size = NULL,
       completing = 0, updated_at = @now WHERE id = @id`,
  );
  const setUpload = s.prepare(
    'UPDATE transfers SET object_key = ?, upload_id = ?, part_size = ?, completing = 0, updated_at = ? WHERE id = ?',
  );
  const clearUpload = s.prepare(
    'UPDATE transfers SET upload_id = NULL, object_key = NULL, part_size = NULL, completing = 0, updated_at = ? WHERE id = ?',
  );
  const setCompleting = s.prepare('UPDATE transfers SET completing = ?, updated_at = ? WHERE id = ?');
  const delParts = s.prepare('DELETE FROM parts WHERE transfer_id = ?');
  const putPart = s.prepare(
    'INSERT OR REPLACE INTO parts (transfer_id, number, size, etag, checksum) VALUES (@transferId, @number, @size, @etag, @checksum)',
  );
  const getParts = s.prepare<[string], PartRow>(
    'SELECT number, size, etag, checksum FROM parts WHERE transfer_id = ? ORDER BY number',
  );
  const delTransfer = s.prepare('DELETE FROM transfers WHERE id = ?');
  const delHistory = s.prepare<[], { id: string }>(`DELETE FROM transfers WHERE state = 'done' RETURNING id`);
  const addAbandoned = s.prepare(
    'INSERT OR IGNORE INTO abandoned_uploads (upload_id, object_key, identity_id, created_at) VALUES (?, ?, ?, ?)',
  );
  const listAbandoned = s.prepare<[string], { upload_id: string; object_key: string; identity_id: string }>(
    'SELECT upload_id, object_key, identity_id FROM abandoned_uploads WHERE identity_id = ? ORDER BY created_at',
  );
  const delAbandoned = s.prepare('DELETE FROM abandoned_uploads WHERE upload_id = ?');
  const referenced = s.prepare<[string], { n: number }>('SELECT count(*) AS n FROM transfers WHERE upload_id = ?');

  return {
    insert,
    all,
    indexRows,
    pageAll,
    pageIn,
    byDestination,
    stateOf,
    unfinishedOfFolder,
    one,
    partBytes,
    setStateStmt,
    doneVersionStmt,
    doneVersionBareStmt,
    setIdentityStmt,
    beginVersion,
    setUpload,
    clearUpload,
    setCompleting,
    delParts,
    putPart,
    getParts,
    delTransfer,
    delHistory,
    addAbandoned,
    listAbandoned,
    delAbandoned,
    referenced,
  };
}
