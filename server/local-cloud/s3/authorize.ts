// Who may do what: admin credentials anything, the broker's developer credentials nothing in S3, and a
// signed-in identity what the role policy allows (action and resource as IAM names them;
// docs/ARCHITECTURE.md, AWS behaviour 6).
import type { Principal } from '../auth/types.js';
import { evaluate, s3Resource } from '../iam/index.js';
import { errors } from './errors.js';
import type { Operation, Route } from './route.js';

const ACTIONS: Record<Operation, { action: string; on: 'object' | 'bucket' | 'account' }> = {
  ListBuckets: { action: 's3:ListAllMyBuckets', on: 'account' },
  CreateBucket: { action: 's3:CreateBucket', on: 'bucket' },
  HeadBucket: { action: 's3:ListBucket', on: 'bucket' },
  DeleteBucket: { action: 's3:DeleteBucket', on: 'bucket' },
  GetBucketLocation: { action: 's3:GetBucketLocation', on: 'bucket' },
  GetBucketVersioning: { action: 's3:GetBucketVersioning', on: 'bucket' },
  ListObjects: { action: 's3:ListBucket', on: 'bucket' },
  ListObjectsV2: { action: 's3:ListBucket', on: 'bucket' },
  ListObjectVersions: { action: 's3:ListBucketVersions', on: 'bucket' },
  ListMultipartUploads: { action: 's3:ListBucketMultipartUploads', on: 'bucket' },
  DeleteObjects: { action: 's3:DeleteObject', on: 'bucket' }, // checked again per key
  PutObject: { action: 's3:PutObject', on: 'object' },
  CopyObject: { action: 's3:PutObject', on: 'object' },
  GetObject: { action: 's3:GetObject', on: 'object' },
  HeadObject: { action: 's3:GetObject', on: 'object' },
  DeleteObject: { action: 's3:DeleteObject', on: 'object' },
  CreateMultipartUpload: { action: 's3:PutObject', on: 'object' },
  UploadPart: { action: 's3:PutObject', on: 'object' },
  UploadPartCopy: { action: 's3:PutObject', on: 'object' },
  CompleteMultipartUpload: { action: 's3:PutObject', on: 'object' },
  AbortMultipartUpload: { action: 's3:AbortMultipartUpload', on: 'object' },
  ListParts: { action: 's3:ListMultipartUploadParts', on: 'object' },
};

export function actionFor(operation: Operation): string {
  return ACTIONS[operation].action;
}

/** True when `principal` may perform `action` on `resource` under `rolePolicy`. */
export function principalMay(principal: Principal, rolePolicy: unknown, action: string, resource: string): boolean {
  if (principal.kind === 'admin') return true;
  if (principal.kind === 'developer') return false;
  return (
    evaluate(rolePolicy, {
      action,
      resource,
      variables: { 'cognito-identity.amazonaws.com:sub': principal.identityId },
    }) === 'allow'
  );
}

export function authorize(principal: Principal, rolePolicy: unknown, route: Route): void {
  const { action, on } = ACTIONS[route.operation];
  const resource =
    on === 'account' ? 'arn:aws:s3:::*' : s3Resource(route.bucket ?? '', on === 'object' ? route.key : undefined);
  if (!principalMay(principal, rolePolicy, action, resource)) throw errors.AccessDenied();
}
