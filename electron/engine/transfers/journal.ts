// The transfer journal: every transfer and every finished part, written before it is reported.
// Only the queue writes here; rows are plain data, the queue decides what they mean.
import type { Transfer, TransferError, TransferFilter } from '../../common/contract.js';
import type Database from 'better-sqlite3';
import type { StateDb } from '../state/db.js';

/** What the journal stores; "waiting" is never stored, it is derived while running. */
export type JournalState = 'queued' | 'uploading' | 'verifying' | 'paused' | 'done' | 'failed';

export interface FileVersion {
  size: number;
  mtimeMs: number;
  /** Change time (any write, chmod or rename moves it; nobody can set it back). NaN when unknown. */
  ctimeMs: number;
  /** Inode as a decimal string (bigint-safe); empty where the OS has none. */
  ino: string;
}

export interface TransferRow {
  seq: number;
  id: string;
  sourcePath: string;
  destination: string;
  identityId: string | undefined;
  origin: Transfer['origin'];
  state: JournalState;
  /** The version being uploaded (size 0 and mtime undefined before the first stat). */
  version: FileVersion | undefined;
  /**
   * The inode queued (lstat when added, or the folder scan's): only that file is ever read for this
   * transfer (platform/safe-open.ts). Undefined when unknown (journaled by an older Hoist).
   */
  plannedIno: string | undefined;
  size: number;
  objectKey: string | undefined;
  uploadId: string | undefined;
  partSize: number | undefined;
  /** Complete was sent: after a crash we cannot tell whether it landed. */
  completing: boolean;
  error: TransferError | undefined;
  createdAt: number;
  finishedAt: number | undefined;
}

export interface PartRow {
  number: number;
  size: number;
  etag: string;
  checksum: string;
}

export interface AbandonedUpload {
  uploadId: string;
  objectKey: string;
  identityId: string;
}

export interface NewTransfer {
  id: string;
  sourcePath: string;
  destination: string;
  identityId: string | undefined;
  origin: Transfer['origin'];
  state: JournalState;
  size: number;
  /** The inode found when it was queued (TransferRow.plannedIno). */
  ino?: string;
  error?: TransferError;
}

interface RawTransfer {
  seq: number;
  id: string;
  source_path: string;
  destination: string;
  identity_id: string | null;
  origin: string;
  state: JournalState;
  size: number;
  mtime_ms: number | null;
  ctime_ms: number | null;
  ino: string | null;
  object_key: string | null;
  upload_id: string | null;
  part_size: number | null;
  completing: number;
  error_code: string | null;
  error_message: string | null;
  error_retryable: number | null;
  created_at: number;
  finished_at: number | null;
}

/** What the queue keeps in memory of a transfer that is not running: enough to schedule and count it. */
export interface IndexRow {
  id: string;
  state: JournalState;
  size: number;
  identityId: string | undefined;
}

/** Journal states a list filter shows ("active" = not finished, whatever the live state). */
export const filterStates: Record<Exclude<TransferFilter, 'all'>, readonly JournalState[]> = {
  active: ['queued', 'uploading', 'verifying', 'paused'],
  done: ['done'],
  failed: ['failed'],
};

export type Journal = ReturnType<typeof createJournal>;

/**
 * Runs a write with RETURNING and gives its first row. Never `.get()` for these: better-sqlite3 then
 * resets the statement before it finishes, and an error at commit (SQLITE_FULL on a full disk) is lost:
 * the row comes back as written although nothing was stored. `.all()` steps to the end and throws it.
 */
function returning<P>(statement: Database.Statement<[P], RawTransfer>, params: P): RawTransfer | undefined {
  return statement.all(params)[0];
}

export function createJournal(db: StateDb, now: () => number = Date.now) {
  const s = db.sqlite;
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
  const byDestination = s.prepare<[string], RawTransfer>(
    'SELECT * FROM transfers WHERE destination = ? ORDER BY seq DESC',
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
  const doneVersionBareStmt = s.prepare<[Record<string, unknown>], RawTransfer>(
    `UPDATE transfers SET state = 'done', size = @size, mtime_ms = @mtimeMs, ctime_ms = @ctimeMs, ino = @ino, object_key = NULL, part_size = NULL,
       completing = 0, error_code = NULL, error_message = NULL, error_retryable = NULL, finished_at = @now, updated_at = @now
     WHERE id = @id AND upload_id IS NULL AND NOT EXISTS (SELECT 1 FROM parts WHERE transfer_id = @id) RETURNING *`,
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

  // Every row of a folder shares its origin and every row of a user its identity id: one copy each,
  // not one per row (100,000 queued transfers stay in memory).
  const intern = new Map<string, string>();
  const origins = new Map<string, Transfer['origin']>();
  const rowOf = (r: RawTransfer): TransferRow => {
    let origin = origins.get(r.origin);
    if (!origin) {
      origin = Object.freeze(JSON.parse(r.origin) as Transfer['origin']);
      if (origins.size < 10_000) origins.set(r.origin, origin);
    }
    let identityId = r.identity_id ?? undefined;
    if (identityId !== undefined) {
      const known = intern.get(identityId);
      if (known !== undefined) identityId = known;
      else if (intern.size < 1_000) intern.set(identityId, identityId);
    }
    return toRow(r, origin, identityId);
  };

  /** Moves the current upload id (if any) to abandoned_uploads, in the caller's transaction. */
  let abandons = 0;
  const abandonCurrent = (row: RawTransfer | undefined): void => {
    if (row?.upload_id && row.object_key && row.identity_id) {
      addAbandoned.run(row.upload_id, row.object_key, row.identity_id, now());
      abandons++;
    }
  };

  const markDoneTx = s.transaction((id: string, version?: FileVersion): TransferRow | undefined => {
    const t = now();
    let raw: RawTransfer | undefined;
    if (version) {
      abandonCurrent(one.get(id));
      delParts.run(id);
      raw = returning(doneVersionStmt, {
        id,
        size: version.size,
        mtimeMs: version.mtimeMs,
        ctimeMs: version.ctimeMs,
        ino: version.ino,
        now: t,
      });
    } else {
      delParts.run(id);
      raw = returning(setStateStmt, {
        id,
        state: 'done',
        errorCode: null,
        errorMessage: null,
        errorRetryable: null,
        finishedAt: t,
        now: t,
      });
    }
    return raw && rowOf(raw);
  });

  return {
    /**
     * Returns what the queue indexes of each, in order (not the rows read back: a folder queues
     * 100,000 of them, and reading each back cost ~2 KiB of garbage a row).
     */
    insertMany: s.transaction((rows: NewTransfer[]): IndexRow[] => {
      const t = now();
      const origins = new Map<Transfer['origin'], string>();
      for (const r of rows) {
        let origin = origins.get(r.origin);
        if (origin === undefined) origins.set(r.origin, (origin = JSON.stringify(r.origin)));
        insert.run({
          id: r.id,
          sourcePath: r.sourcePath,
          destination: r.destination,
          identityId: r.identityId ?? null,
          origin,
          state: r.state,
          size: r.size,
          ino: r.ino ?? null,
          errorCode: r.error?.code ?? null,
          errorMessage: r.error?.message ?? null,
          errorRetryable: r.error ? Number(r.error.retryable) : null,
          now: t,
          finishedAt: r.state === 'failed' ? t : null,
        });
      }
      return rows.map((r) => ({ id: r.id, state: r.state, size: r.size, identityId: r.identityId }));
    }),
    all: (): TransferRow[] => all.all().map(rowOf),
    /** Every transfer, oldest first, as the queue indexes it (no paths: those stay on disk). */
    *indexRows(): Generator<IndexRow> {
      for (const r of indexRows.iterate())
        yield { id: r.id, state: r.state, size: r.size, identityId: r.identity_id ?? undefined };
    },
    /** Bytes of journaled parts, per transfer that has any (what a resumed transfer has sent already). */
    partBytesByTransfer: (): Array<{ id: string; bytes: number }> => partBytes.all(),
    /** Newest first; `limit` undefined = every one. */
    page(filter: TransferFilter, offset = 0, limit?: number): TransferRow[] {
      const n = limit ?? -1;
      const raws =
        filter === 'all' ? pageAll.all(n, offset) : pageIn.all(JSON.stringify(filterStates[filter]), n, offset);
      return raws.map(rowOf);
    },
    /** Transfers that write `destination`, newest first. */
    byDestination: (destination: string): TransferRow[] => byDestination.all(destination).map(rowOf),
    stateOf: (id: string): JournalState | undefined => stateOf.get(id)?.state,
    /** Unfinished transfers queued by a watched folder. */
    unfinishedOfFolder: (folderId: string): string[] => unfinishedOfFolder.all(folderId).map((r) => r.id),
    get: (id: string): TransferRow | undefined => {
      const r = one.get(id);
      return r && rowOf(r);
    },
    /** Returns the row as written (undefined if the transfer is gone). */
    setState(id: string, state: JournalState, error?: TransferError): TransferRow | undefined {
      const t = now();
      // A pause is the user's decision: it must survive a power cut, not only a crash.
      const write = state === 'paused' ? db.durably : <T>(fn: () => T): T => fn();
      const raw = write(() =>
        returning(setStateStmt, {
          id,
          state,
          errorCode: error?.code ?? null,
          errorMessage: error?.message ?? null,
          errorRetryable: error ? Number(error.retryable) : null,
          finishedAt: state === 'done' || state === 'failed' ? t : null,
          now: t,
        }),
      );
      return raw && rowOf(raw);
    },
    /** setState for many transfers in one transaction (resume all); returns the rows as written. */
    setStates: s.transaction((ids: string[], state: JournalState): TransferRow[] => {
      const t = now();
      const out: TransferRow[] = [];
      for (const id of ids) {
        const raw = returning(setStateStmt, {
          id,
          state,
          errorCode: null,
          errorMessage: null,
          errorRetryable: null,
          finishedAt: null,
          now: t,
        });
        if (raw) out.push(rowOf(raw));
      }
      return out;
    }),
    /**
     * Done: the parts are no longer needed (history keeps the transfer row only). With `version`, the
     * transfer was sent whole from a version not journaled before: it is recorded here, and an upload
     * id the row still had (none is expected) is queued for abort. Returns the row as written.
     */
    markDone: (id: string, version?: FileVersion): TransferRow | undefined => {
      if (version) {
        const raw = returning(doneVersionBareStmt, {
          id,
          size: version.size,
          mtimeMs: version.mtimeMs,
          ctimeMs: version.ctimeMs,
          ino: version.ino,
          now: now(),
        });
        if (raw) return rowOf(raw);
      }
      return markDoneTx(id, version);
    },
    setIdentity: (id: string, identityId: string) => void setIdentityStmt.run(identityId, now(), id),
    /** Starts over on a (new) version of the file: the old upload id, if any, is queued for abort. */
    beginVersion: s.transaction((id: string, v: FileVersion) => {
      abandonCurrent(one.get(id));
      delParts.run(id);
      beginVersion.run({ id, size: v.size, mtimeMs: v.mtimeMs, ctimeMs: v.ctimeMs, ino: v.ino, now: now() });
    }),
    setUpload: (id: string, objectKey: string, uploadId: string, partSize: number) =>
      void setUpload.run(objectKey, uploadId, partSize, now(), id),
    /** Drops the upload id (gone, or for another key) so the next attempt creates a new one; it is queued for abort. */
    forgetUpload: s.transaction((id: string) => {
      abandonCurrent(one.get(id));
      delParts.run(id);
      clearUpload.run(now(), id);
    }),
    setCompleting: (id: string, on: boolean) => void setCompleting.run(Number(on), now(), id),
    putPart: (transferId: string, p: PartRow) => void putPart.run({ transferId, ...p }),
    parts: (id: string): PartRow[] => getParts.all(id),
    /** Forgets a transfer (cancel: durably); its upload id (if any) is queued for abort in the same transaction. */
    remove: (id: string): void =>
      db.durably(() =>
        s.transaction(() => {
          abandonCurrent(one.get(id));
          delTransfer.run(id);
        })(),
      ),
    /** remove() for many transfers in one durable transaction (cancel all). */
    removeMany: (ids: readonly string[]): void =>
      db.durably(() =>
        s.transaction(() => {
          for (const id of ids) {
            abandonCurrent(one.get(id));
            delTransfer.run(id);
          }
        })(),
      ),
    clearHistory: (): string[] => db.durably(() => delHistory.all().map((r) => r.id)),
    abandoned: (identityId: string): AbandonedUpload[] =>
      listAbandoned
        .all(identityId)
        .map((r) => ({ uploadId: r.upload_id, objectKey: r.object_key, identityId: r.identity_id })),
    abandonedDone: (uploadId: string) => void delAbandoned.run(uploadId),
    /** How many uploads this journal object has abandoned so far (the janitor skips a pass when nothing changed). */
    abandonCount: (): number => abandons,
    /** Whether any transfer still needs this upload id: such an upload must never be aborted. */
    isReferenced: (uploadId: string): boolean => (referenced.get(uploadId)?.n ?? 0) > 0,
  };
}

function toRow(r: RawTransfer, origin: Transfer['origin'], identityId: string | undefined): TransferRow {
  return {
    seq: r.seq,
    id: r.id,
    sourcePath: r.source_path,
    destination: r.destination,
    identityId,
    origin,
    state: r.state,
    version:
      r.mtime_ms === null
        ? undefined
        : { size: r.size, mtimeMs: r.mtime_ms, ctimeMs: r.ctime_ms ?? Number.NaN, ino: r.ino ?? '' },
    plannedIno: r.ino ?? undefined,
    size: r.size,
    objectKey: r.object_key ?? undefined,
    uploadId: r.upload_id ?? undefined,
    partSize: r.part_size ?? undefined,
    completing: r.completing === 1,
    error:
      r.error_code === null
        ? undefined
        : { code: r.error_code, message: r.error_message ?? '', retryable: r.error_retryable === 1 },
    createdAt: r.created_at,
    finishedAt: r.finished_at ?? undefined,
  };
}
