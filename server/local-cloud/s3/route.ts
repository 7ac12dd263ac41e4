// Maps a path-style request (method, `/bucket/key`, query) to the S3 operation it names, and checks the
// bucket name and key before anything touches the disk.
import { S3Error, errors } from './errors.js';

export type Operation =
  | 'ListBuckets'
  | 'CreateBucket'
  | 'HeadBucket'
  | 'DeleteBucket'
  | 'GetBucketLocation'
  | 'GetBucketVersioning'
  | 'ListObjects'
  | 'ListObjectsV2'
  | 'ListObjectVersions'
  | 'ListMultipartUploads'
  | 'DeleteObjects'
  | 'PutObject'
  | 'CopyObject'
  | 'GetObject'
  | 'HeadObject'
  | 'DeleteObject'
  | 'CreateMultipartUpload'
  | 'UploadPart'
  | 'UploadPartCopy'
  | 'CompleteMultipartUpload'
  | 'AbortMultipartUpload'
  | 'ListParts';

export interface Route {
  operation: Operation;
  bucket?: string;
  key?: string;
}

export const MAX_KEY_BYTES = 1024;

/** Sub-resources we do not emulate: answered NotImplemented rather than mistaken for a plain request. */
const UNSUPPORTED_SUBRESOURCES = [
  'acl',
  'policy',
  'policyStatus',
  'cors',
  'lifecycle',
  'tagging',
  'website',
  'replication',
  'encryption',
  'logging',
  'notification',
  'object-lock',
  'retention',
  'legal-hold',
  'accelerate',
  'requestPayment',
  'analytics',
  'inventory',
  'metrics',
  'intelligent-tiering',
  'ownershipControls',
  'publicAccessBlock',
  'torrent',
  'restore',
  'select',
  'attributes',
  'website',
];

export function routeRequest(
  method: string,
  rawPath: string,
  query: Map<string, string>,
  header: (name: string) => string | undefined,
): Route {
  if (!rawPath.startsWith('/')) throw errors.InvalidURI();
  const rest = rawPath.slice(1);
  const slash = rest.indexOf('/');
  const rawBucket = slash === -1 ? rest : rest.slice(0, slash);
  const rawKey = slash === -1 ? '' : rest.slice(slash + 1);
  let bucket: string;
  let key: string;
  try {
    bucket = decodeURIComponent(rawBucket);
    key = decodeURIComponent(rawKey);
  } catch {
    throw errors.InvalidURI();
  }
  if (bucket === '') {
    if (method === 'GET') return { operation: 'ListBuckets' };
    throw errors.MethodNotAllowed();
  }
  for (const name of UNSUPPORTED_SUBRESOURCES) {
    if (query.has(name))
      throw new S3Error('NotImplemented', 501, `The ${name} sub-resource is not implemented by the local cloud.`);
  }
  if (key === '') return { ...bucketOperation(method, query), bucket };
  checkKey(key, rawKey);
  return { operation: objectOperation(method, query, header), bucket, key };
}

function bucketOperation(method: string, query: Map<string, string>): { operation: Operation } {
  switch (method) {
    case 'GET':
      if (query.has('location')) return { operation: 'GetBucketLocation' };
      if (query.has('versioning')) return { operation: 'GetBucketVersioning' };
      if (query.has('uploads')) return { operation: 'ListMultipartUploads' };
      if (query.has('versions')) return { operation: 'ListObjectVersions' };
      if (query.get('list-type') === '2') return { operation: 'ListObjectsV2' };
      return { operation: 'ListObjects' };
    case 'HEAD':
      return { operation: 'HeadBucket' };
    case 'PUT':
      if (query.has('versioning'))
        throw new S3Error('NotImplemented', 501, 'Versioning is not emulated by the local cloud.');
      return { operation: 'CreateBucket' };
    case 'DELETE':
      return { operation: 'DeleteBucket' };
    case 'POST':
      if (query.has('delete')) return { operation: 'DeleteObjects' };
      throw errors.MethodNotAllowed();
    default:
      throw errors.MethodNotAllowed();
  }
}

function objectOperation(
  method: string,
  query: Map<string, string>,
  header: (name: string) => string | undefined,
): Operation {
  const uploadId = query.has('uploadId');
  switch (method) {
    case 'PUT':
      if (uploadId || query.has('partNumber'))
        return header('x-amz-copy-source') !== undefined ? 'UploadPartCopy' : 'UploadPart';
      return header('x-amz-copy-source') !== undefined ? 'CopyObject' : 'PutObject';
    case 'GET':
      return uploadId ? 'ListParts' : 'GetObject';
    case 'HEAD':
      return 'HeadObject';
    case 'POST':
      if (query.has('uploads')) return 'CreateMultipartUpload';
      if (uploadId) return 'CompleteMultipartUpload';
      throw errors.MethodNotAllowed();
    case 'DELETE':
      return uploadId ? 'AbortMultipartUpload' : 'DeleteObject';
    default:
      throw errors.MethodNotAllowed();
  }
}

/** Keys S3 refuses, and keys we refuse because a path-normalising client could not address them. */
export function checkKey(key: string, rawKey?: string): void {
  const bytes = Buffer.byteLength(key);
  if (bytes > MAX_KEY_BYTES)
    throw errors.KeyTooLongError({ Size: String(bytes), MaxSizeAllowed: String(MAX_KEY_BYTES) });
  if (key.includes('\u0000'))
    throw errors.InvalidArgument('Object key must not contain NUL characters.', { ArgumentName: 'key' });
  // S3 answers a request whose URI has a `..` segment with a bare 400 (URI normalisation would make it
  // name another resource); we refuse the same keys however they are encoded.
  const dotDot = (text: string): boolean => text.split('/').some((segment) => segment === '..');
  if (dotDot(key) || (rawKey !== undefined && dotDot(rawKey)))
    throw new S3Error('BadRequest', 400, 'Object keys with ".." path segments are not accepted.');
}

/** S3 bucket naming rules (general purpose buckets). */
export function isValidBucketName(name: string): boolean {
  if (name.length < 3 || name.length > 63) return false;
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name)) return false;
  if (name.includes('..') || /^\d+\.\d+\.\d+\.\d+$/.test(name)) return false;
  if (name.startsWith('xn--') || name.startsWith('sthree-') || name.endsWith('-s3alias') || name.endsWith('--ol-s3'))
    return false;
  return true;
}
