// The transfer journal: every transfer and every finished part, written before it is reported.
// Only the queue writes here; rows are plain data, the queue decides what they mean. The rows and their
// conversion are in journal-rows.ts, the SQL in journal-statements.ts, the grouped done writes in
// journal-group-commit.ts.
import type { Transfer, TransferError, TransferFilter } from '../../common/contract.js';
import type { StateDb } from '../state/db.js';
import { groupCommit } from './journal-group-commit.js';
import {
  createRowReader,
  doneRowOf,
  filterStates,
  type FileVersion,
  type IndexRow,
  type JournalState,
  type NewTransfer,
  type PartRow,
  type RawTransfer,
  type TransferRow,
  type AbandonedUpload,
} from './journal-rows.js';
import { prepareStatements, returning } from './journal-statements.js';

export {
  filterStates,
  type AbandonedUpload,
  type FileVersion,
  type IndexRow,
  type JournalState,
  type NewTransfer,
  type PartRow,
  type TransferRow,
} from './journal-rows.js';

export type Journal = ReturnType<typeof createJournal>;

export function createJournal(db: StateDb, now: () => number = Date.now) {
  const s = db.sqlite;
  // The journal's SQL, prepared once (journal-statements.ts).
  const sql = prepareStatements(s);
  const rowOf = createRowReader();

  /** Moves the current upload id (if any) to abandoned_uploads, in the caller's transaction. */
  let abandons = 0;
  const abandonCurrent = (row: RawTransfer | undefined): void => {
    if (row?.upload_id && row.object_key && row.identity_id) {
      sql.addAbandoned.run(row.upload_id, row.object_key, row.identity_id, now());
      abandons++;
    }
  };

  const markDoneTx = s.transaction((id: string, version?: FileVersion): TransferRow | undefined => {
    const t = now();
    let raw: RawTransfer | undefined;
    if (version) {
      abandonCurrent(sql.one.get(id));
      sql.delParts.run(id);
      raw = returning(sql.doneVersionStmt, {
        id,
        size: version.size,
        mtimeMs: version.mtimeMs,
        ctimeMs: version.ctimeMs,
        ino: version.ino,
        now: t,
      });
    } else {
      sql.delParts.run(id);
      raw = returning(sql.setStateStmt, {
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

  /**
   * Done: the parts are no longer needed (history keeps the transfer row only). With `version`, the
   * transfer was sent whole from a version not journaled before: it is recorded here, and an upload
   * id the row still had (none is expected) is queued for abort. `known` is the row as the queue holds
   * it (the journal's but for the version). Returns the row as written.
   */
  const markDone = (id: string, version?: FileVersion, known?: TransferRow): TransferRow | undefined => {
    if (version) {
      const t = now();
      const { changes } = sql.doneVersionBareStmt.run({
        id,
        size: version.size,
        mtimeMs: version.mtimeMs,
        ctimeMs: version.ctimeMs,
        ino: version.ino,
        now: t,
      });
      // Not read back: what the statement wrote is known (a RETURNING doubles the cost of the write).
      if (changes === 1) return known ? doneRowOf(known, version, t) : readRow(id);
    }
    return markDoneTx(id, version);
  };
  const readRow = (id: string): TransferRow | undefined => {
    const raw = sql.one.get(id);
    return raw && rowOf(raw);
  };

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
        sql.insert.run({
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
    all: (): TransferRow[] => sql.all.all().map(rowOf),
    /** Every transfer, oldest first, as the queue indexes it (no paths: those stay on disk). */
    *indexRows(): Generator<IndexRow> {
      for (const r of sql.indexRows.iterate())
        yield { id: r.id, state: r.state, size: r.size, identityId: r.identity_id ?? undefined };
    },
    /** Bytes of journaled parts, per transfer that has any (what a resumed transfer has sent already). */
    partBytesByTransfer: (): Array<{ id: string; bytes: number }> => sql.partBytes.all(),
    /** Newest first; `limit` undefined = every one. */
    page(filter: TransferFilter, offset = 0, limit?: number): TransferRow[] {
      const n = limit ?? -1;
      const raws =
        filter === 'all' ? sql.pageAll.all(n, offset) : sql.pageIn.all(JSON.stringify(filterStates[filter]), n, offset);
      return raws.map(rowOf);
    },
    /** Transfers that write `destination`, newest first. */
    byDestination: (destination: string) => sql.byDestination.all(destination),
    stateOf: (id: string): JournalState | undefined => sql.stateOf.get(id)?.state,
    /** Unfinished transfers queued by a watched folder. */
    unfinishedOfFolder: (folderId: string): string[] => sql.unfinishedOfFolder.all(folderId).map((r) => r.id),
    get: readRow,
    /** Returns the row as written (undefined if the transfer is gone). */
    setState(id: string, state: JournalState, error?: TransferError): TransferRow | undefined {
      const t = now();
      // A pause is the user's decision: it must survive a power cut, not only a crash.
      const write = state === 'paused' ? db.durably : <T>(fn: () => T): T => fn();
      const raw = write(() =>
        returning(sql.setStateStmt, {
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
        const raw = returning(sql.setStateStmt, {
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
    markDone,
    /**
     * markDone, grouped with the other done writes of this turn of the event loop in one transaction
     * (journal-group-commit.ts). Resolves once committed, with the row as written.
     */
    markDoneGrouped: groupCommit(s, markDone),
    setIdentity: (id: string, identityId: string) => void sql.setIdentityStmt.run(identityId, now(), id),
    /** Starts over on a (new) version of the file: the old upload id, if any, is queued for abort. */
    beginVersion: s.transaction((id: string, v: FileVersion) => {
      abandonCurrent(sql.one.get(id));
      sql.delParts.run(id);
      sql.beginVersion.run({ id, size: v.size, mtimeMs: v.mtimeMs, ctimeMs: v.ctimeMs, ino: v.ino, now: now() });
    }),
    setUpload: (id: string, objectKey: string, uploadId: string, partSize: number) =>
      void sql.setUpload.run(objectKey, uploadId, partSize, now(), id),
    /** Drops the upload id (gone, or for another key) so the next attempt creates a new one; it is queued for abort. */
    forgetUpload: s.transaction((id: string) => {
      abandonCurrent(sql.one.get(id));
      sql.delParts.run(id);
      sql.clearUpload.run(now(), id);
    }),
    setCompleting: (id: string, on: boolean) => void sql.setCompleting.run(Number(on), now(), id),
    putPart: (transferId: string, p: PartRow) => void sql.putPart.run({ transferId, ...p }),
    parts: (id: string): PartRow[] => sql.getParts.all(id),
    /** Forgets a transfer (cancel: durably); its upload id (if any) is queued for abort in the same transaction. */
    remove: (id: string): void =>
      db.durably(() =>
        s.transaction(() => {
          abandonCurrent(sql.one.get(id));
          sql.delTransfer.run(id);
        })(),
      ),
    /** remove() for many transfers in one durable transaction (cancel all). */
    removeMany: (ids: readonly string[]): void =>
      db.durably(() =>
        s.transaction(() => {
          for (const id of ids) {
            abandonCurrent(sql.one.get(id));
            sql.delTransfer.run(id);
          }
        })(),
      ),
    clearHistory: (): string[] => db.durably(() => sql.delHistory.all().map((r) => r.id)),
    abandoned: (identityId: string): AbandonedUpload[] =>
      sql.listAbandoned
        .all(identityId)
        .map((r) => ({ uploadId: r.upload_id, objectKey: r.object_key, identityId: r.identity_id })),
    abandonedDone: (uploadId: string) => void sql.delAbandoned.run(uploadId),
    /** How many uploads this journal object has abandoned so far (the janitor skips a pass when nothing changed). */
    abandonCount: (): number => abandons,
    /** Whether any transfer still needs this upload id: such an upload must never be aborted. */
    isReferenced: (uploadId: string): boolean => (sql.referenced.get(uploadId)?.n ?? 0) > 0,
  };
}
