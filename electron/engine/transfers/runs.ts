// The runs: starting what the scheduler picks, the loop of attempts for one transfer with each failure
// applied as its outcome (run-outcome.ts), and stopping runs for pause, cancel or a new target.
import type { TransferError } from '../../common/contract.js';
import { isStorageFull } from '../state/db.js';
import { enterDiskFull } from './disk-full.js';
import { RateMeter } from './progress.js';
import type { UploadTarget } from './queue-api.js';
import { refresh, runtimeOf, type QueueState } from './queue-state.js';
import { runAttempt } from './run-attempt.js';
import { outcomeOf } from './run-outcome.js';
import { checkIdle, isIdle, nextToStart } from './scheduler.js';
import { BUFFERED_PUT_MAX } from './single-put.js';

/** A file rewritten this often during its upload is treated as still being written. */
const MAX_FILE_RESTARTS = 5;
const MAX_UPLOAD_RESTARTS = 3;

/** Why a run was stopped from outside (pause, cancel, stop): the run ends quietly. */
class StoppedError extends Error {
  override name = 'AbortError';
}

/** Starts what the scheduler picks, then resolves idle waiters if nothing is left to do. */
export function pump(q: QueueState): void {
  const t = q.target;
  const starts = nextToStart(q);
  if (t && starts.length > 0) {
    try {
      for (const id of starts) {
        if (q.index.pending.get(id)?.identityId === undefined) {
          q.journal.setIdentity(id, t.identityId);
          refresh(q, id);
        }
        startRun(q, id, t);
      }
    } catch (error) {
      if (!isStorageFull(error)) throw error;
      enterDiskFull(q, () => pump(q));
    }
  }
  checkIdle(q);
}

/** Aborts the runs of `ids` and resolves once they have ended. */
export async function halt(q: QueueState, ids: Iterable<string>, reason: string): Promise<void> {
  const waits: Promise<void>[] = [];
  for (const id of [...ids]) {
    const run = q.runtimes.get(id)?.run;
    if (run) {
      run.controller.abort(new StoppedError(reason));
      waits.push(run.done);
    }
  }
  await Promise.all(waits);
}

/** A run whose object may be stored any moment now: a buffered small PUT, or a Complete being sent. */
export function landsAtOnce(q: QueueState, id: string): boolean {
  const row = q.live.get(id);
  if (!row) return false;
  if (q.runtimes.get(id)?.verifying) return true;
  return !row.uploadId && row.size <= BUFFERED_PUT_MAX;
}

function startRun(q: QueueState, id: string, t: UploadTarget): void {
  const row = q.journal.get(id);
  if (!row) return;
  q.live.set(id, row);
  const r = runtimeOf(q, id);
  const controller = new AbortController();
  r.verifying = false;
  r.waitingFor = undefined;
  r.meter = new RateMeter();
  r.run = { controller, done: Promise.resolve() };
  q.active.add(id);
  r.run.done = runLoop(q, id, t, controller.signal)
    .catch((error: unknown) => {
      if (!isStorageFull(error)) throw error;
      // Its outcome could not be recorded: it runs again (from what the journal has) once there is room.
      r.blocked = true;
      r.waitingFor = 'disk-space';
      enterDiskFull(q, () => pump(q));
    })
    .finally(() => {
      q.active.delete(id);
      q.live.delete(id);
      r.run = undefined;
      r.verifying = false;
      r.meter = undefined;
      if (r.waitingFor === 'network') r.waitingFor = undefined;
      // A finished transfer needs no runtime: its row says everything.
      if (q.index.bucket(id) === undefined && q.runtimes.get(id) === r) q.runtimes.delete(id);
      q.publisher.changed(id);
      void q.janitor.pass();
      pump(q);
      // The last run has ended: say so now rather than at the next throttled publish, since whoever
      // waits for the queue (the command line's exit, a notification) waits for exactly this.
      if (isIdle(q)) q.publisher.drain();
    });
  q.publisher.changed(id);
}

async function runLoop(q: QueueState, id: string, t: UploadTarget, signal: AbortSignal): Promise<void> {
  const r = runtimeOf(q, id);
  for (;;) {
    const row = q.live.get(id);
    if (!row || signal.aborted) return;
    try {
      const sentWhole = await runAttempt(q, row, t, signal);
      // Completed, even if a pause raced with the last request: the object is there, say so.
      // Journaled before it is reported (refresh publishes it), in one commit with the other files
      // finishing in this turn of the event loop.
      const written = await q.journal.markDoneGrouped(id, sentWhole, q.live.get(id));
      r.fileRestarts = 0;
      r.uploadRestarts = 0;
      refresh(q, id, written);
      return;
    } catch (error) {
      const outcome = outcomeOf(error, row, signal);
      switch (outcome.kind) {
        case 'stopped':
          return;
        case 'wait-for-disk':
          throw error; // startRun waits for room
        case 'wait-for-sign-in':
          r.blocked = true;
          r.waitingFor = 'sign-in';
          q.publisher.changed(id);
          return;
        case 'retry-on-new-version':
          if (++r.fileRestarts > MAX_FILE_RESTARTS) return fail(q, id, outcome.otherwise);
          continue; // the next attempt records the new version and starts over on it
        case 'restart-upload':
          if (++r.uploadRestarts > MAX_UPLOAD_RESTARTS) return fail(q, id, outcome.otherwise);
          q.journal.forgetUpload(id);
          refresh(q, id);
          continue;
        case 'fail':
          return fail(q, id, outcome.error);
      }
    }
  }
}

function fail(q: QueueState, id: string, error: TransferError): void {
  // A failure retrying cannot mend (the file is gone, the key is invalid) will never use its
  // multipart upload again: hand it to the janitor to abort now rather than leave parts stored.
  // Retryable failures keep it, so a retry continues from the parts already sent.
  if (!error.retryable && q.journal.get(id)?.uploadId) {
    q.journal.forgetUpload(id);
    void q.janitor.pass();
  }
  refresh(q, id, q.journal.setState(id, 'failed', error));
}
