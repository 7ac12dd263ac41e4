// The table from a failed attempt's error to what happens to its transfer.
import { describe, expect, it } from 'vitest';
import { StorageFullError } from '../../../../electron/engine/state/db.js';
import type { TransferRow } from '../../../../electron/engine/transfers/journal.js';
import { FileChangedError, FileMissingError } from '../../../../electron/engine/transfers/file-version.js';
import { InvalidDestinationError, outcomeOf } from '../../../../electron/engine/transfers/run-outcome.js';

const row = { sourcePath: '/home/a/b.bin', destination: 'b.bin' } as TransferRow;
const live = new AbortController().signal;
const errno = (code: string) => Object.assign(new Error(code), { code });
const s3Error = (name: string, status: number) =>
  Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });

describe('run outcomes', () => {
  it('ends quietly once the run was stopped, whatever the error', () => {
    const stopped = new AbortController();
    stopped.abort();
    expect(outcomeOf(s3Error('AccessDenied', 403), row, stopped.signal)).toEqual({ kind: 'stopped' });
  });

  it.each([
    [new StorageFullError('/data'), 'wait-for-disk'],
    [errno('SQLITE_FULL'), 'wait-for-disk'],
    [Object.assign(new Error('x'), { name: 'SignInRequiredError' }), 'wait-for-sign-in'],
    [new FileChangedError('changed'), 'retry-on-new-version'],
    [s3Error('NoSuchUpload', 404), 'restart-upload'],
  ])('%s → %s', (error, kind) => {
    expect(outcomeOf(error, row, live).kind).toBe(kind);
  });

  it.each([
    [new FileMissingError('gone'), 'file_missing', false],
    [errno('ENOENT'), 'file_missing', false],
    [errno('EACCES'), 'file_unreadable', true],
    [new InvalidDestinationError('b.bin: bad'), 'invalid_destination', false],
    [s3Error('AccessDenied', 403), 'access_denied', false],
    [s3Error('InternalError', 500), 'InternalError', true],
  ])('%s fails as %s (retryable: %s)', (error, code, retryable) => {
    expect(outcomeOf(error, row, live)).toMatchObject({ kind: 'fail', error: { code, retryable } });
  });

  it('says what to fail with once the restarts run out', () => {
    expect(outcomeOf(new FileChangedError('changed'), row, live)).toMatchObject({
      otherwise: { code: 'file_unstable', retryable: true },
    });
    expect(outcomeOf(s3Error('NoSuchUpload', 404), row, live)).toMatchObject({
      otherwise: { code: 'NoSuchUpload', retryable: false },
    });
  });
});
