// The journal's rows: what is stored (RawTransfer, as SQLite gives it), what the queue reads (TransferRow,
// IndexRow, PartRow) and the conversion between them, with the shared origins and identity ids interned.
import type { Transfer, TransferError, TransferFilter } from '../../common/contract.js';

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

export interface RawTransfer {
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

/**
 * Converts stored rows to TransferRow. Every row of a folder shares its origin and every row of a user its
 * identity id: one copy each, not one per row (100,000 queued transfers stay in memory).
 */
export function createRowReader(): (r: RawTransfer) => TransferRow {
  const intern = new Map<string, string>();
  const origins = new Map<string, Transfer['origin']>();
  return (r) => {
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
}

/** `row` as the done statement for a new version leaves it (journal-statements.ts doneVersionBareStmt). */
export function doneRowOf(row: TransferRow, version: FileVersion, finishedAt: number): TransferRow {
  return {
    ...row,
    state: 'done',
    version,
    plannedIno: version.ino,
    size: version.size,
    objectKey: undefined,
    partSize: undefined,
    completing: false,
    error: undefined,
    finishedAt,
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
