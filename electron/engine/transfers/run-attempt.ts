// One attempt at uploading a transfer's file as it is now: read its version, reconcile it with the
// journal (a new version starts over, a journaled upload of the same version resumes), then send it with
// the strategy that fits (docs/ARCHITECTURE.md, Data safety: one consistent file version).
import type { FileVersion, TransferRow } from './journal.js';
import type { UploadContext } from './context.js';
import { sameVersion } from './file-version.js';
import { knownIno, sameIno, UnsafeFileError } from '../platform/safe-open.js';
import { openSource, type SourceFile } from './source-file.js';
import { objectKeyFor } from '../keys/object-key.js';
import { uploadMultipart } from './multipart.js';
import { isSinglePut, MAX_OBJECT_SIZE, ObjectTooLargeError, partSizeFor } from './plan.js';
import type { UploadTarget } from './queue-api.js';
import { refresh, rowOf, runtimeOf, setRow, type QueueState } from './queue-state.js';
import { InvalidDestinationError } from './run-outcome.js';
import { BUFFERED_PUT_MAX, uploadSingle } from './single-put.js';

/**
 * One upload attempt of the file's current version. Returns that version when it was sent whole
 * in one PUT without being journaled first (markDone records it with the outcome), else undefined.
 */
export async function runAttempt(
  q: QueueState,
  row: TransferRow,
  t: UploadTarget,
  signal: AbortSignal,
): Promise<FileVersion | undefined> {
  const key = objectKeyFor(t.keyPrefix, row.destination);
  if (!key.ok) throw new InvalidDestinationError(`${row.destination}: ${key.reason}`);
  // A small file is opened, read and fstat'ed in one trip to the reader thread; any other is opened here
  // once, and every part of this attempt is read through that descriptor.
  const small =
    row.size <= BUFFERED_PUT_MAX && !row.uploadId
      ? await q.smallFiles.read(row.sourcePath, BUFFERED_PUT_MAX, signal)
      : undefined;
  let source: SourceFile | undefined;
  try {
    if (!small || small.version.size > BUFFERED_PUT_MAX) source = await openSource(row.sourcePath, row.plannedIno);
    const version = source?.version ?? small!.version;
    // Another file where the queued one was (renamed over it, or a folder on its path swapped): never sent.
    if (knownIno(row.plannedIno) && !sameIno(row.plannedIno, version.ino))
      throw new UnsafeFileError(row.sourcePath, 'replaced');
    if (version.size > MAX_OBJECT_SIZE)
      throw new ObjectTooLargeError(`${row.sourcePath} is larger than S3's 48.8 TiB object limit`);
    signal.throwIfAborted();
    const { current, unjournaled } = reconcile(q, row.id, version, key.key);
    const partSize = current.partSize ?? partSizeFor(version.size, q.configuredPartSize);
    const ctx = uploadContext(q, current, t, signal, {
      version,
      key: key.key,
      partSize,
      ...(source ? { source } : {}),
      ...(small?.data ? { contents: small.data } : {}),
    });
    if (isSinglePut(version.size, partSize) && !current.uploadId) {
      await uploadSingle(ctx);
      return unjournaled;
    }
    if (unjournaled) throw new Error('a multipart upload must journal its version first');
    await uploadMultipart(ctx);
    return undefined;
  } finally {
    await source?.close();
  }
}

/**
 * Brings the journal's row in line with the version just read and the key: the row to upload, and the
 * version when it is recorded only in memory (a single PUT: markDone journals it with the outcome).
 */
function reconcile(
  q: QueueState,
  id: string,
  version: FileVersion,
  key: string,
): { current: TransferRow; unjournaled?: FileVersion } {
  const r = runtimeOf(q, id);
  // The run's row is kept in step with every write (setRow), so the journal is not read again.
  let current = rowOf(q, id);
  if (!current) throw new Error('the transfer left the journal');
  let unjournaled: FileVersion | undefined;
  if (!current.version || !sameVersion(current.version, version)) {
    if (!current.uploadId && isSinglePut(version.size, partSizeFor(version.size, q.configuredPartSize))) {
      // A new version sent in one PUT: nothing to resume after a crash (the PUT is simply sent
      // again), so the version is journaled with the outcome, in one write instead of two.
      unjournaled = version;
      current = {
        ...current,
        version,
        size: version.size,
        objectKey: undefined,
        partSize: undefined,
        completing: false,
      };
      setRow(q, current);
      q.publisher.changed(id);
    } else {
      q.journal.beginVersion(id, version); // a new version: the old upload (if any) is queued for abort
      current = undefined;
    }
    r.bytesDone = 0;
  } else if (current.uploadId && current.objectKey !== key) {
    q.journal.forgetUpload(id); // journaled for another key (the prefix changed): start over
    current = undefined;
    r.bytesDone = 0;
  } else {
    r.bytesDone = current.uploadId ? q.journal.parts(id).reduce((sum, p) => sum + p.size, 0) : 0;
    setRow(q, current);
    q.publisher.changed(id);
  }
  if (!current) {
    refresh(q, id);
    current = q.live.get(id);
  }
  if (!current) throw new Error('the transfer left the journal');
  return unjournaled ? { current, unjournaled } : { current };
}

/** What the upload strategy gets: the file, the key, the shared limits, and callbacks into the runtime. */
function uploadContext(
  q: QueueState,
  row: TransferRow,
  t: UploadTarget,
  signal: AbortSignal,
  file: { version: FileVersion; key: string; partSize: number; source?: SourceFile; contents?: Buffer },
): UploadContext {
  const r = runtimeOf(q, row.id);
  return {
    id: row.id,
    sourcePath: row.sourcePath,
    ...file,
    bucketName: t.bucket,
    identityId: t.identityId,
    s3: t.s3,
    journal: q.journal,
    signal,
    budget: q.budget,
    bandwidth: q.bandwidth,
    gate: q.gate,
    partBuffers: q.partBuffers,
    smallFiles: q.smallFiles,
    putRoutes: q.putRoutes,
    partsInParallel: () => q.settings().partsInParallel,
    ...(t.refreshCredentials ? { refreshCredentials: t.refreshCredentials } : {}),
    onBytes: (n) => {
      r.bytesDone += n;
      if (n > 0) {
        const at = q.now();
        r.meter?.add(n, at);
        q.totalMeter.add(n, at);
      }
      q.publisher.changed(row.id);
    },
    onWaiting: (reason) => {
      if (reason === 'network') t.onUnreachable?.();
      r.waitingFor = reason;
      q.publisher.changed(row.id);
    },
    onVerifying: () => {
      r.verifying = true;
      q.publisher.changed(row.id);
    },
    beforeChunk: () => q.bandwidth.setRate(q.settings().bandwidthLimit),
  };
}
