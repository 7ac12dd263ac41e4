// File-system errors of a worker thread's synchronous calls, sent to the thread that asked and rebuilt
// there as the error the async fs call would have thrown: callers tell "gone", "refused as unsafe" and
// other failures apart by the same fields either way. Errors do not cross threads with their fields.
import { closeSync } from 'node:fs';
import { UnsafeFileError, type UnsafeReason } from './safe-open.js';

export interface ThreadFsError {
  message: string;
  code?: string | undefined;
  errno?: number | undefined;
  syscall?: string | undefined;
  path?: string | undefined;
  /** Refused by platform/safe-open.ts (a link, a special file). */
  unsafe?: UnsafeReason | undefined;
}

/** On the worker thread: the error caught, as it can be posted. */
export function threadFsError(e: unknown): ThreadFsError {
  const error = e as NodeJS.ErrnoException | undefined;
  return {
    message: String(error?.message),
    code: error?.code,
    errno: error?.errno,
    syscall: error?.syscall,
    path: error?.path,
    ...(e instanceof UnsafeFileError ? { unsafe: e.reason } : {}),
  };
}

/** On the worker thread: closes a descriptor after a failure, keeping that failure the one reported. */
export function closeAfterFailure(fd: number | undefined): void {
  if (fd === undefined) return;
  try {
    closeSync(fd);
  } catch {
    // the failure being reported is the one that matters
  }
}

/** On the asking thread: the error as the async fs call would have thrown it for `path`. */
export function errorFromThread(e: ThreadFsError, path: string): Error {
  if (e.unsafe) return new UnsafeFileError(path, e.unsafe);
  return Object.assign(new Error(e.message), {
    ...(e.code !== undefined ? { code: e.code } : {}),
    ...(e.errno !== undefined ? { errno: e.errno } : {}),
    ...(e.syscall !== undefined ? { syscall: e.syscall } : {}),
    ...(e.path !== undefined ? { path: e.path } : {}),
  });
}
