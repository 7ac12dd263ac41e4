// The deployed bucket policy's denials (server/infra/template.json, UploadBucketPolicy), applied here to
// every principal as S3 applies them, admin included. The local cloud serves plain HTTP on loopback, so
// its DenyInsecureTransport statement is the one not mirrored.
import type { S3Context } from './context.js';
import { actionFor } from './authorize.js';
import { errors } from './errors.js';
import type { Route } from './route.js';

const SSE_C_ALGORITHM = 'x-amz-server-side-encryption-customer-algorithm';

/** DenyCustomerProvidedEncryptionKeys: no s3:PutObject naming an SSE-C algorithm (header or presigned query). */
export function applyBucketPolicy(ctx: S3Context, route: Route): void {
  if (actionFor(route.operation) !== 's3:PutObject') return;
  const named =
    ctx.header(SSE_C_ALGORITHM) !== undefined ||
    [...ctx.query.keys()].some((name) => name.toLowerCase() === SSE_C_ALGORITHM);
  if (named) throw errors.AccessDenied();
}
