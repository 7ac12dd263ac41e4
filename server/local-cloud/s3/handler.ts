// The S3 REST handler: parse → authenticate (SigV4) → authorize (role policy) → operation, with every
// failure answered as S3's XML error and every request recorded in the request log. Never throws.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { jsonLogger, type Logger } from '../../common/logger.js';
import { parseRawQuery } from '../auth/query.js';
import { verifySigV4 } from '../auth/sigv4.js';
import type { CredentialStore, Principal } from '../auth/types.js';
import { s3Resource } from '../iam/index.js';
import type { RequestLog, RequestLogEntry } from '../request-log.js';
import { authorize, principalMay } from './authorize.js';
import { applyBucketPolicy } from './bucket-policy.js';
import { newRequestIds, sendError, toS3Error, type S3Context } from './context.js';
import type { S3Deps } from './deps.js';
import { S3Error, errors } from './errors.js';
import { ClientGoneError } from './ingest.js';
import * as buckets from './operations/buckets.js';
import * as listing from './operations/listing.js';
import * as multipart from './operations/multipart.js';
import * as objects from './operations/objects.js';
import { routeRequest, type Route } from './route.js';

export interface S3HandlerDeps extends S3Deps {
  credentials: CredentialStore;
  log: RequestLog;
  /** Where internal errors are reported (default: JSON lines on stderr). */
  logger?: Logger;
}

export interface S3Handler {
  /** `awaitingContinue`: the client sent `Expect: 100-continue` and no 100 has been sent yet. */
  handle(req: IncomingMessage, res: ServerResponse, awaitingContinue?: boolean): void;
  /** A request whose Expect header is not `100-continue`: 417 with S3's XML error, body never read. */
  refuseExpectation(req: IncomingMessage, res: ServerResponse): void;
}

export function createS3Handler(deps: S3HandlerDeps): S3Handler {
  const logger = deps.logger ?? jsonLogger();
  return {
    handle(req, res, awaitingContinue = false) {
      const ctx = newContext(req, res, deps, awaitingContinue);
      res.on('close', () => {
        if (!res.writableFinished && ctx.log.status === 0) ctx.log.status = 499; // client went away
        deps.log.append(ctx.log);
      });
      handle(ctx, deps).catch((err: unknown) => {
        if (err instanceof ClientGoneError) {
          ctx.log.status = 499;
          res.destroy();
          return;
        }
        if (!(err instanceof S3Error))
          logger.error('local-cloud.s3_internal_error', { message: err instanceof Error ? err.message : String(err) });
        try {
          sendError(ctx, toS3Error(err));
        } catch {
          res.destroy();
        }
      });
    },
    refuseExpectation(req, res) {
      const ctx = newContext(req, res, deps, true);
      res.on('close', () => deps.log.append(ctx.log));
      sendError(ctx, errors.ExpectationFailed({ Expect: String(req.headers.expect ?? '') }));
    },
  };
}

function newContext(
  req: IncomingMessage,
  res: ServerResponse,
  deps: S3HandlerDeps,
  awaitingContinue: boolean,
): S3Context {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const rawPath = q === -1 ? url : url.slice(0, q);
  const rawQuery = q === -1 ? '' : url.slice(q + 1);
  const now = deps.now();
  const { requestId, hostId } = newRequestIds();
  let continueSent = !awaitingContinue;
  const log: RequestLogEntry = {
    time: now.toISOString(),
    requestId,
    method: req.method ?? '',
    protocol: 's3',
    operation: 'Unknown',
    bytesReceived: 0,
    status: 0,
  };
  const ctx: S3Context = {
    req,
    res,
    now,
    requestId,
    hostId,
    method: req.method ?? 'GET',
    rawPath,
    rawQuery,
    query: new Map(),
    log,
    bodyStarted: !awaitingContinue,
    header(name) {
      const value = req.headers[name];
      return Array.isArray(value) ? value.join(',') : value;
    },
    continueBody() {
      ctx.bodyStarted = true;
      if (!continueSent) {
        continueSent = true;
        res.writeContinue();
      }
    },
  };
  return ctx;
}

async function handle(ctx: S3Context, deps: S3HandlerDeps): Promise<void> {
  let pairs: Array<[string, string]>;
  try {
    pairs = parseRawQuery(ctx.rawQuery);
  } catch {
    throw errors.InvalidURI();
  }
  for (const [name, value] of pairs) if (!ctx.query.has(name)) ctx.query.set(name, value);

  const route = routeRequest(ctx.method, ctx.rawPath, ctx.query, ctx.header);
  ctx.log.operation = route.operation;
  if (route.bucket !== undefined) ctx.bucket = ctx.log.bucket = route.bucket;
  if (route.key !== undefined) ctx.key = ctx.log.key = route.key;
  const partNumber = ctx.query.get('partNumber');
  if (partNumber !== undefined && /^\d+$/.test(partNumber)) ctx.log.partNumber = Number(partNumber);
  const uploadId = ctx.query.get('uploadId');
  if (uploadId !== undefined) ctx.log.uploadId = uploadId;

  const auth = await verifySigV4({
    method: ctx.method,
    rawPath: ctx.rawPath,
    rawQuery: ctx.rawQuery,
    headers: ctx.req.headersDistinct,
    service: 's3',
    region: deps.settings.region,
    now: ctx.now,
    credentials: deps.credentials,
  });
  if (!auth.ok) {
    ctx.log.principal = 'anonymous';
    throw new S3Error(auth.code, auth.status, auth.message, auth.details);
  }
  ctx.auth = auth;
  ctx.principal = auth.principal;
  ctx.log.principal = auth.principal.kind;
  if (auth.principal.kind === 'identity') ctx.log.identityId = auth.principal.identityId;

  authorize(auth.principal, deps.settings.rolePolicy, route);
  applyBucketPolicy(ctx, route);
  if (route.bucket !== undefined && route.operation !== 'CreateBucket' && !deps.store.getBucket(route.bucket)) {
    throw errors.NoSuchBucket({ BucketName: route.bucket });
  }
  try {
    await dispatch(ctx, deps, route, auth.principal);
  } catch (err) {
    // Without s3:ListBucket, S3 does not reveal whether a key exists (docs/ARCHITECTURE.md, AWS behaviour 4).
    if (
      err instanceof S3Error &&
      err.code === 'NoSuchKey' &&
      !principalMay(auth.principal, deps.settings.rolePolicy, 's3:ListBucket', s3Resource(route.bucket ?? ''))
    ) {
      throw errors.AccessDenied();
    }
    throw err;
  }
}

async function dispatch(ctx: S3Context, deps: S3HandlerDeps, route: Route, principal: Principal): Promise<void> {
  const bucket = route.bucket ?? '';
  const key = route.key ?? '';
  switch (route.operation) {
    case 'ListBuckets':
      return buckets.listBuckets(ctx, deps);
    case 'CreateBucket':
      return buckets.createBucket(ctx, deps, bucket);
    case 'HeadBucket':
      return buckets.headBucket(ctx, deps);
    case 'DeleteBucket':
      return buckets.deleteBucket(ctx, deps, bucket);
    case 'GetBucketLocation':
      return buckets.getBucketLocation(ctx, deps);
    case 'GetBucketVersioning':
      return buckets.getBucketVersioning(ctx);
    case 'ListObjects':
      return listing.listObjectsV1(ctx, deps, bucket);
    case 'ListObjectsV2':
      return listing.listObjectsV2(ctx, deps, bucket);
    case 'ListObjectVersions':
      return listing.listObjectVersions(ctx, deps, bucket);
    case 'ListMultipartUploads':
      return multipart.listMultipartUploads(ctx, deps, bucket);
    case 'DeleteObjects':
      return buckets.deleteObjects(ctx, deps, bucket, (k) =>
        principalMay(principal, deps.settings.rolePolicy, 's3:DeleteObject', s3Resource(bucket, k)),
      );
    case 'PutObject':
      return objects.putObject(ctx, deps, bucket, key);
    case 'GetObject':
      return objects.getObject(ctx, deps, bucket, key, false);
    case 'HeadObject':
      return objects.getObject(ctx, deps, bucket, key, true);
    case 'DeleteObject':
      return objects.deleteObject(ctx, deps, bucket, key);
    case 'CreateMultipartUpload':
      return multipart.createMultipartUpload(ctx, deps, bucket, key, describe(principal, deps));
    case 'UploadPart':
      return multipart.uploadPart(ctx, deps, bucket, key);
    case 'CompleteMultipartUpload':
      return multipart.completeMultipartUpload(ctx, deps, bucket, key);
    case 'AbortMultipartUpload':
      return multipart.abortMultipartUpload(ctx, deps, bucket, key);
    case 'ListParts':
      return multipart.listParts(ctx, deps, bucket, key);
    case 'CopyObject':
    case 'UploadPartCopy':
      throw new S3Error('NotImplemented', 501, `${route.operation} is not implemented by the local cloud.`);
  }
}

function describe(principal: Principal, deps: S3Deps): string {
  if (principal.kind === 'identity')
    return `arn:aws:sts::${deps.settings.accountId}:assumed-role/hoist-authenticated/${principal.identityId}`;
  return `arn:aws:iam::${deps.settings.accountId}:root`;
}
