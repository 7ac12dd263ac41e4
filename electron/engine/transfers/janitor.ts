// Multipart uploads the journal abandoned (cancel, a changed file, a failure retrying cannot mend) are
// aborted. An upload id the journal still references is never aborted. The bucket is never listed: the
// users' role may not (docs/ARCHITECTURE.md, Contracts: role policy), and its lifecycle rule aborts what is left.
import { AbortMultipartUploadCommand, type S3Client } from '@aws-sdk/client-s3';
import { silentLogger, type Logger } from '../platform/log.js';
import type { Journal } from './journal.js';
import { classify } from './retry.js';

export interface JanitorTarget {
  s3: S3Client;
  bucket: string;
  keyPrefix: string;
  identityId: string;
}

function isGone(error: unknown): boolean {
  return (error as { name?: string }).name === 'NoSuchUpload';
}

/** Aborts every abandoned upload of this identity; failures stay queued for the next run. Resolves true when none is left. */
export async function abortAbandoned(
  journal: Journal,
  target: JanitorTarget,
  log: Logger = silentLogger,
): Promise<boolean> {
  let clean = true;
  for (const u of journal.abandoned(target.identityId)) {
    if (journal.isReferenced(u.uploadId)) {
      journal.abandonedDone(u.uploadId);
      continue;
    }
    try {
      await target.s3.send(
        new AbortMultipartUploadCommand({ Bucket: target.bucket, Key: u.objectKey, UploadId: u.uploadId }),
      );
      journal.abandonedDone(u.uploadId);
    } catch (error) {
      // Gone already, or refused for good: the bucket's 7-day lifecycle rule is the backstop, and
      // retrying a refusal after every transfer would only add requests. Network or credential
      // trouble: keep it for the next run.
      const kind = classify(error);
      if (isGone(error) || kind === 'permanent') {
        journal.abandonedDone(u.uploadId);
        if (!isGone(error))
          log.warn('janitor: abort refused, left to the lifecycle rule', { key: u.objectKey, error: String(error) });
      } else {
        clean = false;
        log.debug('janitor: abort failed, kept for the next pass', { key: u.objectKey, error: String(error) });
      }
    }
  }
  return clean;
}

/**
 * Runs abortAbandoned one pass at a time, in the background: transfers never wait for it
 * (docs/ARCHITECTURE.md, Data safety: cancel, abort and the janitor). A pass that fails is logged and
 * its uploads stay queued for the next one.
 */
export class Janitor {
  private running: Promise<void> | undefined;
  /** journal.abandonCount() when the last pass for the current target left nothing behind. */
  private cleanAt: number | undefined;

  constructor(
    private readonly journal: Journal,
    private readonly target: () => JanitorTarget | undefined,
    private readonly log: Logger,
  ) {}

  /** Starts a pass for the current target unless one runs or nothing was abandoned since a clean one. */
  pass(): Promise<void> {
    const t = this.target();
    if (!t) return Promise.resolve();
    if (this.running) return this.running;
    // Nothing abandoned since a pass that left nothing: no query after every finished transfer.
    const mark = this.journal.abandonCount();
    if (this.cleanAt === mark) return Promise.resolve();
    this.running = abortAbandoned(this.journal, t, this.log)
      .then((clean) => {
        if (clean && this.target() === t) this.cleanAt = mark;
      })
      .catch((error: unknown) => this.log.warn('janitor: abandoned uploads not aborted', { error: String(error) }))
      .finally(() => (this.running = undefined));
    return this.running;
  }

  /** A new target: its abandoned uploads have not been looked at yet. */
  retarget(): void {
    this.cleanAt = undefined;
  }

  /** The pass under way, if any (stop waits for it). */
  get current(): Promise<void> | undefined {
    return this.running;
  }
}
