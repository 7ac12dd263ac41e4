// The bucket lifecycle rule "abort incomplete multipart uploads after N days", run at start and then
// periodically: uploads initiated longer ago than the configured age are aborted and their parts deleted.
import type { UploadStore } from './s3/upload-store.js';

export async function sweepIncompleteUploads(
  uploads: UploadStore,
  maxAgeSeconds: number,
  now: Date,
): Promise<string[]> {
  const cutoff = new Date(now.getTime() - maxAgeSeconds * 1000);
  const aborted: string[] = [];
  for (const uploadId of uploads.olderThan(cutoff)) {
    await uploads.lock.run(uploadId, () => uploads.remove(uploadId));
    aborted.push(uploadId);
  }
  return aborted;
}
