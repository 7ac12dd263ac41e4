// Bucket administration (admin credentials): ListBuckets, CreateBucket, HeadBucket, DeleteBucket,
// GetBucketLocation, GetBucketVersioning (never enabled here), and DeleteObjects.
import { sendEmpty, sendXml, type S3Context } from '../context.js';
import type { S3Deps } from '../deps.js';
import { S3Error, errors } from '../errors.js';
import { readSmallBody } from '../ingest.js';
import { checkKey, isValidBucketName } from '../route.js';
import { asArray, parseXml, type XmlNode } from '../xml.js';

export function listBuckets(ctx: S3Context, deps: S3Deps): void {
  sendXml(ctx, 200, 'ListAllMyBucketsResult', {
    Owner: { ID: deps.settings.accountId, DisplayName: 'hoist' },
    Buckets: { Bucket: deps.store.listBuckets().map((b) => ({ Name: b.name, CreationDate: b.created })) },
  });
}

export async function createBucket(ctx: S3Context, deps: S3Deps, bucket: string): Promise<void> {
  if (!isValidBucketName(bucket)) throw errors.InvalidBucketName({ BucketName: bucket });
  const acl = ctx.header('x-amz-acl');
  if (acl !== undefined && acl !== 'private')
    throw new S3Error(
      'InvalidBucketAclWithObjectOwnership',
      400,
      "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting",
    );
  const body = await readSmallBody(ctx, 64 * 1024);
  if (body.length > 0) {
    const doc = parseXml(body.toString('utf8'));
    const config = doc?.['CreateBucketConfiguration'];
    if (!doc || config === undefined) throw errors.MalformedXML();
    const location =
      typeof config === 'object' && config ? (config as Record<string, unknown>)['LocationConstraint'] : undefined;
    if (typeof location === 'string' && location !== '' && location !== deps.settings.region) {
      throw new S3Error(
        'IllegalLocationConstraintException',
        400,
        `The ${location} location constraint is incompatible for the region specific endpoint this request was sent to.`,
      );
    }
    if (deps.settings.region === 'us-east-1' && location === 'us-east-1') {
      throw errors.InvalidArgument('Invalid LocationConstraint value: us-east-1', {
        ArgumentName: 'LocationConstraint',
        ArgumentValue: 'us-east-1',
      });
    }
  }
  // us-east-1 semantics: re-creating a bucket you own succeeds.
  deps.store.createBucketSync(bucket, deps.now());
  sendEmpty(ctx, 200, { location: `/${bucket}` });
}

export function headBucket(ctx: S3Context, deps: S3Deps): void {
  sendEmpty(ctx, 200, { 'x-amz-bucket-region': deps.settings.region });
}

export async function deleteBucket(ctx: S3Context, deps: S3Deps, bucket: string): Promise<void> {
  if (!(await deps.store.deleteBucket(bucket))) throw errors.BucketNotEmpty({ BucketName: bucket });
  for (const upload of deps.uploads.list(bucket)) await deps.uploads.remove(upload.uploadId);
  sendEmpty(ctx, 204);
}

export function getBucketLocation(ctx: S3Context, deps: S3Deps): void {
  // us-east-1 is reported as an empty LocationConstraint, as S3 does.
  const region = deps.settings.region === 'us-east-1' ? '' : deps.settings.region;
  const text = `<?xml version="1.0" encoding="UTF-8"?>\n<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${region}</LocationConstraint>`;
  ctx.res.writeHead(200, {
    'x-amz-request-id': ctx.requestId,
    'x-amz-id-2': ctx.hostId,
    date: ctx.now.toUTCString(),
    'content-type': 'application/xml',
    'content-length': String(Buffer.byteLength(text)),
  });
  ctx.res.end(text);
  ctx.log.status = 200;
}

export function getBucketVersioning(ctx: S3Context): void {
  sendXml(ctx, 200, 'VersioningConfiguration', {});
}

/** Keys a DeleteObjects request may act on: the caller decides per key (role policy). */
export type KeyAuthorizer = (key: string) => boolean;

export async function deleteObjects(
  ctx: S3Context,
  deps: S3Deps,
  bucket: string,
  mayDelete: KeyAuthorizer,
): Promise<void> {
  if (
    ctx.header('content-md5') === undefined &&
    ctx.header('x-amz-checksum-crc32') === undefined &&
    ctx.header('x-amz-checksum-crc32c') === undefined &&
    ctx.header('x-amz-checksum-sha256') === undefined &&
    ctx.header('x-amz-checksum-sha1') === undefined &&
    ctx.header('x-amz-trailer') === undefined
  ) {
    throw errors.InvalidRequest('Missing required header for this request: Content-MD5');
  }
  const body = await readSmallBody(ctx, 2 * 1024 * 1024);
  const root = parseXml(body.toString('utf8'))?.['Delete'];
  if (!root || typeof root !== 'object') throw errors.MalformedXML();
  const objects = asArray((root as Record<string, unknown>)['Object']);
  if (objects.length === 0 || objects.length > 1000) throw errors.MalformedXML();
  const quiet = String((root as Record<string, unknown>)['Quiet'] ?? '').trim() === 'true';
  const deleted: XmlNode[] = [];
  const failed: XmlNode[] = [];
  for (const o of objects) {
    const entry = (o ?? {}) as Record<string, unknown>;
    const key = entry['Key'];
    if (typeof key !== 'string') throw errors.MalformedXML();
    const versionId = typeof entry['VersionId'] === 'string' ? entry['VersionId'] : undefined;
    try {
      checkKey(key);
      if (versionId !== undefined && versionId !== 'null') throw errors.InvalidArgument('Invalid version id specified');
      if (!mayDelete(key)) throw errors.AccessDenied();
      await deps.store.delete(bucket, key);
      if (!quiet) deleted.push({ Key: key, ...(versionId !== undefined ? { VersionId: versionId } : {}) });
    } catch (err) {
      const e = err instanceof S3Error ? err : errors.InternalError();
      failed.push({
        Key: key,
        ...(versionId !== undefined ? { VersionId: versionId } : {}),
        Code: e.code,
        Message: e.message,
      });
    }
  }
  sendXml(ctx, 200, 'DeleteResult', { Deleted: deleted, Error: failed });
}
