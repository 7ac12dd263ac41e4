// The local cloud: one HTTP server on 127.0.0.1 that stands in for Cognito Identity (requests carrying
// `x-amz-target: AWSCognitoIdentityService.*`, handled in ./cognito) and S3 (everything else, ./s3),
// faithful enough that the AWS SDK v3, awscli and rclone work against it unmodified.
// Layout: auth/ (credential store, SigV4), iam/ (policy evaluation), s3/ (REST handler, storage), storage/
// (atomic files, locks). Depends on nothing outside server/local-cloud and server/infra.
import { mkdirSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { createWebServer, listen, type TlsOptions } from '../common/listen.js';
import { jsonLogger, type Logger } from '../common/logger.js';
import rolePolicyDocument from '../infra/role-policy.json' with { type: 'json' };
import { openCredentialStore, type FileCredentialStore } from './auth/credential-store.js';
import type { CloudSettings, CredentialStore, ProtocolHandler } from './auth/types.js';
import { COGNITO_TARGET_PREFIX, createCognitoHandler } from './cognito/index.js';
import { createRequestLog, type RequestLog } from './request-log.js';
import { newRequestIds } from './s3/context.js';
import { createS3Handler } from './s3/handler.js';
import { ObjectStore } from './s3/object-store.js';
import { isValidBucketName } from './s3/route.js';
import { UploadStore } from './s3/upload-store.js';
import { instantiateRolePolicy, loadOrCreateSettings } from './settings.js';
import { sweepIncompleteUploads } from './sweep.js';

export type { RequestLog, RequestLogEntry } from './request-log.js';

export interface LocalCloudOptions {
  dataDir: string;
  /** 0 (default) = any free port. */
  port?: number;
  host?: string;
  /** Serve HTTPS with this key and certificate (the local stack's --tls). */
  tls?: TlsOptions;
  region?: string;
  bucket?: string;
  credentialLifetimeSeconds?: number;
  /** Persisted on first start; later starts keep the stored values unless given here. */
  identityPoolId?: string;
  developerProviderName?: string;
  /** The lifecycle rule: incomplete multipart uploads older than this are aborted (default 7 days). */
  multipartSweepAgeSeconds?: number;
  /** How often the sweep runs (default hourly). */
  multipartSweepIntervalSeconds?: number;
  /** The role policy applied to identity credentials (default server/infra/role-policy.json). */
  rolePolicy?: unknown;
  /** Append every request as a JSON line to <dataDir>/requests.jsonl. */
  logRequestsToFile?: boolean;
  /** Injectable clock (tests). */
  now?: () => Date;
  /**
   * Seconds this cloud's clock is ahead of the computer's (negative: behind), for trying what a wrong
   * clock does: shifts the Date it answers with and the time it checks signatures against.
   */
  clockOffsetSeconds?: number;
  /** Where internal errors are reported (default: JSON lines on stderr). */
  logger?: Logger;
  /** Replaces the Cognito handler (tests of the S3 half alone). */
  cognitoHandler?: (deps: {
    settings: CloudSettings;
    credentials: CredentialStore;
    dataDir: string;
    now?: () => Date;
    logger?: Logger;
  }) => ProtocolHandler;
}

export interface LocalCloud {
  url: string;
  s3Endpoint: string;
  cognitoEndpoint: string;
  region: string;
  bucket: string;
  identityPoolId: string;
  developerProviderName: string;
  accountId: string;
  adminCredentials: { accessKeyId: string; secretAccessKey: string };
  developerCredentials: { accessKeyId: string; secretAccessKey: string };
  requestLog: RequestLog;
  settings: CloudSettings;
  credentials: FileCredentialStore;
  /** Runs the lifecycle sweep now; returns the aborted upload ids. */
  sweepIncompleteUploads(): Promise<string[]>;
  close(): Promise<void>;
}

export async function startLocalCloud(options: LocalCloudOptions): Promise<LocalCloud> {
  const offsetMs = (options.clockOffsetSeconds ?? 0) * 1000;
  const baseNow = options.now ?? (() => new Date());
  const now = offsetMs === 0 ? baseNow : () => new Date(baseNow().getTime() + offsetMs);
  const region = options.region ?? 'us-east-1';
  const bucket = options.bucket ?? 'hoist-uploads';
  if (!isValidBucketName(bucket)) throw new Error(`invalid bucket name: ${bucket}`);
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });

  const persisted = loadOrCreateSettings(options.dataDir, region, {
    ...(options.identityPoolId !== undefined ? { identityPoolId: options.identityPoolId } : {}),
    ...(options.developerProviderName !== undefined ? { developerProviderName: options.developerProviderName } : {}),
  });
  const settings: CloudSettings = {
    region,
    bucket,
    ...persisted,
    credentialLifetimeSeconds: options.credentialLifetimeSeconds ?? 3600,
    rolePolicy: instantiateRolePolicy(options.rolePolicy ?? rolePolicyDocument, bucket),
  };
  const credentials = openCredentialStore(options.dataDir, now);
  const s3Root = join(options.dataDir, 's3');
  const store = new ObjectStore(s3Root);
  const uploads = new UploadStore(s3Root);
  store.collectGarbage();
  store.createBucketSync(bucket, now());
  const requestLog = createRequestLog(
    options.logRequestsToFile ? { file: join(options.dataDir, 'requests.jsonl') } : {},
  );

  const logger = options.logger ?? jsonLogger();
  const s3 = createS3Handler({ store, uploads, settings, now, credentials, log: requestLog, logger });
  const cognitoFactory = options.cognitoHandler ?? createCognitoHandler;
  const cognito = cognitoFactory({ settings, credentials, dataDir: options.dataDir, now, logger, log: requestLog });

  const isCognito = (req: IncomingMessage): boolean =>
    String(req.headers['x-amz-target'] ?? '').startsWith(COGNITO_TARGET_PREFIX);
  const dispatch = (req: IncomingMessage, res: ServerResponse, awaitingContinue: boolean): void => {
    try {
      if (isCognito(req)) {
        if (awaitingContinue) res.writeContinue();
        cognito(req, res);
      } else {
        s3.handle(req, res, awaitingContinue);
      }
    } catch (err) {
      logger.error('local-cloud.handler_threw', { message: err instanceof Error ? err.message : String(err) });
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    }
  };
  // No limit on a whole request (a 5 GiB part takes long), but a connection idle for 2 minutes mid-request
  // is cut, so a stalled upload releases its temp file (S3 answers RequestTimeout after ~20 s).
  const server = createWebServer(options.tls, { requestTimeout: 0 }, (req, res) => dispatch(req, res, false));
  server.setTimeout(120_000);
  // Answer `Expect: 100-continue` ourselves: S3 sends its final answer (e.g. AccessDenied) without a 100
  // when it refuses the request, so the client never sends the body (docs/ARCHITECTURE.md, AWS behaviour 1).
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => dispatch(req, res, true));
  // Any other expectation: node would answer a bare 417; S3's answer carries its XML error and request ids.
  server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => s3.refuseExpectation(req, res));
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return socket.destroy();
    // Unparseable HTTP: still S3's XML error and request ids, then the connection is closed.
    const tooLarge = err.code === 'HPE_HEADER_OVERFLOW';
    const status = tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request';
    const { requestId, hostId } = newRequestIds();
    const code = tooLarge ? 'RequestHeaderSectionTooLarge' : 'BadRequest';
    const message = tooLarge
      ? 'Your request header section exceeds the maximum allowed size.'
      : 'An error occurred when parsing the HTTP request.';
    const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>${requestId}</RequestId><HostId>${hostId}</HostId></Error>`;
    socket.end(
      `HTTP/1.1 ${status}\r\nx-amz-request-id: ${requestId}\r\nx-amz-id-2: ${hostId}\r\nDate: ${now().toUTCString()}\r\n` +
        `Content-Type: application/xml\r\nConnection: close\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  });

  const sweepAge = options.multipartSweepAgeSeconds ?? 7 * 24 * 3600;
  const sweep = (): Promise<string[]> => sweepIncompleteUploads(uploads, sweepAge, now());
  await sweep();
  const sweepTimer = setInterval(
    () => void sweep().catch(() => undefined),
    (options.multipartSweepIntervalSeconds ?? 3600) * 1000,
  );
  sweepTimer.unref();

  const url = await listen(server, options.port ?? 0, options.host ?? '127.0.0.1');

  return {
    url,
    s3Endpoint: url,
    cognitoEndpoint: url,
    region,
    bucket,
    identityPoolId: settings.identityPoolId,
    developerProviderName: settings.developerProviderName,
    accountId: settings.accountId,
    adminCredentials: credentials.admin,
    developerCredentials: credentials.developer,
    requestLog,
    settings,
    credentials,
    sweepIncompleteUploads: sweep,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(sweepTimer);
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
