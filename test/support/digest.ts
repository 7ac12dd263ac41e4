// The one way tests compute digests: sha256 of bytes in hand, and of an object as it landed in a
// bucket (read back with the caller's client, usually admin credentials).
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';

/** sha256 of bytes or a string (UTF-8): hex unless asked for base64 (S3's checksum encoding). */
export function sha256(data: Uint8Array | string, encoding: 'hex' | 'base64' = 'hex'): string {
  return createHash('sha256').update(data).digest(encoding);
}

/** sha256 (hex) and size of an object, streamed, or undefined when it does not exist. */
export async function objectDigest(
  s3: S3Client,
  bucket: string,
  key: string,
): Promise<{ sha: string; size: number } | undefined> {
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const hash = createHash('sha256');
    let size = 0;
    for await (const chunk of object.Body as AsyncIterable<Uint8Array>) {
      hash.update(chunk);
      size += chunk.length;
    }
    return { sha: hash.digest('hex'), size };
  } catch (error) {
    if ((error as Error).name === 'NoSuchKey') return undefined;
    throw error;
  }
}
