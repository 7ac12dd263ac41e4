// Final-object checks before a transfer is "done".
import { createHash } from 'node:crypto';

export class VerificationError extends Error {
  override name = 'VerificationError';
}

export function unquote(etag: string | undefined): string {
  return (etag ?? '').replace(/^"|"$/g, '');
}

/** S3's multipart ETag: hex MD5 of the concatenated binary part MD5s, then "-<part count>". */
export function multipartEtag(partEtags: readonly string[]): string {
  const md5 = createHash('md5');
  for (const etag of partEtags) md5.update(Buffer.from(unquote(etag), 'hex'));
  return `${md5.digest('hex')}-${partEtags.length}`;
}

/** S3 answers with the CRC32 it stored; it must be the one of the bytes we sent (absent: nothing to compare). */
export function assertStoredCrc32(stored: string | undefined, sent: string, what: string): void {
  if (stored !== undefined && stored !== sent) {
    throw Object.assign(new VerificationError(`${what}: S3 stored CRC32 ${stored}, we sent ${sent}`), {
      Code: 'BadDigest',
    });
  }
}
