// ARNs of S3 resources as IAM policies name them.

/** `arn:aws:s3:::bucket` for a bucket, `arn:aws:s3:::bucket/key` for an object. */
export function s3Resource(bucket: string, key?: string): string {
  return key === undefined ? `arn:aws:s3:::${bucket}` : `arn:aws:s3:::${bucket}/${key}`;
}
