// Multipart uploads the journal abandoned (cancel, a changed file, a failure retrying cannot mend) are
// aborted. An upload id the journal still references is never aborted. The bucket is never listed: the
// users' role may not (docs/ARCHITECTURE.md, Contracts: role policy), and its lifecycle rule aborts what is left.
import { AbortMultipartUploadCommand, type S3Client } from '@aws-sdk/client-s3';
import { silentLogger, type Logger } from '../log.js';
import type { Journal } from '../state/journal.js';
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
export async function abortAbandoned(journal: Journal, target: JanitorTarget, log: Logger = silentLogger): Promise<boolean> {
  let clean = true;
  for (const u of journal.abandoned(target.identityId)) {
    if (journal.isReferenced(u.uploadId)) {
      journal.abandonedDone(u.uploadId);
      continue;
    }
    try {
      await target.s3.send(new AbortMultipartUploadCommand({ Bucket: target.bucket, Key: u.objectKey, UploadId: u.uploadId }));
      journal.abandonedDone(u.uploadId);
    } catch (error) {
      // Gone already, or refused for good: the bucket's 7-day lifecycle rule is the backstop, and
      // retrying a refusal after every transfer would only add requests. Network or credential
      // trouble: keep it for the next run.
      const kind = classify(error);
      if (isGone(error) || kind === 'permanent') {
        journal.abandonedDone(u.uploadId);
        if (!isGone(error)) log.warn('janitor: abort refused, left to the lifecycle rule', { key: u.objectKey, error: String(error) });
      } else {
        clean = false;
        log.debug('janitor: abort failed, kept for the next pass', { key: u.objectKey, error: String(error) });
      }
    }
  }
  return clean;
}
