// Multipart uploads the journal no longer needs are aborted: those it abandoned (cancel, a changed
// file) and, at start-up, unknown ones under the identity's prefix. An upload id the journal still
// references is never aborted.
import { AbortMultipartUploadCommand, ListMultipartUploadsCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Journal } from '../state/journal.js';
import { classify } from './retry.js';

/** An unknown upload younger than this may be another device's, in progress under the same identity. */
export const FOREIGN_UPLOAD_MIN_AGE_MS = 24 * 60 * 60 * 1000;

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
export async function abortAbandoned(journal: Journal, target: JanitorTarget): Promise<boolean> {
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
      if (isGone(error) || kind === 'permanent') journal.abandonedDone(u.uploadId);
      else clean = false;
    }
  }
  return clean;
}

/**
 * Start-up sweep: lists incomplete uploads under the prefix and aborts those the journal does not
 * reference, if they are for a key this journal is uploading (our own crash between Create and
 * journaling) or old enough not to be another device's. Users' role policy does not grant
 * s3:ListBucketMultipartUploads, so with user credentials this quietly does nothing.
 */
export async function sweepOrphans(journal: Journal, target: JanitorTarget, isOurKey: (key: string) => boolean, now: number): Promise<number> {
  let aborted = 0;
  let keyMarker: string | undefined;
  let uploadIdMarker: string | undefined;
  try {
    for (;;) {
      const page = await target.s3.send(
        new ListMultipartUploadsCommand({ Bucket: target.bucket, Prefix: target.keyPrefix, KeyMarker: keyMarker, UploadIdMarker: uploadIdMarker }),
      );
      for (const u of page.Uploads ?? []) {
        if (!u.Key || !u.UploadId || !u.Key.startsWith(target.keyPrefix)) continue;
        if (journal.isReferenced(u.UploadId)) continue;
        const age = u.Initiated ? now - u.Initiated.getTime() : Infinity;
        if (age < FOREIGN_UPLOAD_MIN_AGE_MS && !isOurKey(u.Key)) continue;
        try {
          await target.s3.send(new AbortMultipartUploadCommand({ Bucket: target.bucket, Key: u.Key, UploadId: u.UploadId }));
          aborted++;
        } catch (error) {
          if (!isGone(error)) throw error;
        }
      }
      if (!page.IsTruncated) break;
      keyMarker = page.NextKeyMarker;
      uploadIdMarker = page.NextUploadIdMarker;
    }
  } catch {
    // AccessDenied (the normal case for users) or no network: nothing to do now.
  }
  return aborted;
}
