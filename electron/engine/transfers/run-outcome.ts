// What a failed attempt means for its transfer, as one table: start over on the file's new version,
// start a new multipart upload, wait for sign-in, wait for disk space, stop (paused, cancelled,
// stopped), or fail with a code. Pure: the run loop applies the outcome and counts the restarts.
import type { TransferError } from '../../common/contract.js';
import { UnsafeFileError } from '../platform/safe-open.js';
import { isStorageFull } from '../state/db.js';
import type { TransferRow } from './journal.js';
import { FileChangedError, FileMissingError, NotAFileError } from './file-version.js';
import { ObjectTooLargeError } from './plan.js';
import { classify } from './retry.js';
import { describeTransferFailure } from '../diagnostics/plain-words.js';
import { VerificationError } from './verify.js';

/** The destination cannot be a key under the identity's prefix. */
export class InvalidDestinationError extends Error {
  override name = 'InvalidDestinationError';
}

export type RunOutcome =
  /** Paused, cancelled, stopped or retargeted: the run just ends. */
  | { kind: 'stopped' }
  /** The journal could not be written: not this transfer's fault, it waits for room. */
  | { kind: 'wait-for-disk' }
  /** The session was revoked: the transfer waits until the next sign-in. */
  | { kind: 'wait-for-sign-in' }
  /** The file changed: the next attempt records the new version; past the limit, `otherwise`. */
  | { kind: 'retry-on-new-version'; otherwise: TransferError }
  /** The upload id is gone (NoSuchUpload): forget it and start a new one; past the limit, `otherwise`. */
  | { kind: 'restart-upload'; otherwise: TransferError }
  | { kind: 'fail'; error: TransferError };

const fail = (code: string, message: string, retryable: boolean): RunOutcome => ({
  kind: 'fail',
  error: { code, message, retryable },
});

export function outcomeOf(error: unknown, row: TransferRow, signal: AbortSignal): RunOutcome {
  if (signal.aborted) return { kind: 'stopped' };
  if (isStorageFull(error)) return { kind: 'wait-for-disk' };
  if (error instanceof FileChangedError) {
    return {
      kind: 'retry-on-new-version',
      otherwise: {
        code: 'file_unstable',
        message: `${row.sourcePath} kept changing while it was being uploaded. Retry once the program writing it has finished.`,
        retryable: true,
      },
    };
  }
  const errno = (error as NodeJS.ErrnoException).code;
  // A link, a pipe or device, or another file where the queued one was: refused for good, never read.
  if (error instanceof UnsafeFileError && error.reason === 'replaced')
    return fail('file_replaced', error.message, false);
  if (error instanceof FileMissingError || ['ENOENT', 'EACCES', 'EPERM', 'EISDIR', 'EIO'].includes(errno ?? ''))
    return { kind: 'fail', error: describe(error, 'permanent', row) };
  if (error instanceof NotAFileError) return fail('not_a_file', error.message, false);
  if (error instanceof VerificationError) return fail('verification_failed', error.message, true);
  if (error instanceof InvalidDestinationError) return fail('invalid_destination', error.message, false);
  if (error instanceof ObjectTooLargeError) return fail('too_large', error.message, false);
  const kind = classify(error, signal);
  if (kind === 'sign-in') return { kind: 'wait-for-sign-in' };
  if (kind === 'no-such-upload') return { kind: 'restart-upload', otherwise: describe(error, kind, row) };
  return { kind: 'fail', error: describe(error, kind, row) };
}

/** In words (engine/diagnostics/plain-words.ts): what happened and what to do. */
function describe(error: unknown, kind: ReturnType<typeof classify>, row: TransferRow): TransferError {
  return describeTransferFailure({ error, kind, sourcePath: row.sourcePath, destination: row.destination });
}
