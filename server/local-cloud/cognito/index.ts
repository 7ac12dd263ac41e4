// Cognito Identity stand-in (JSON 1.1, `x-amz-target: AWSCognitoIdentityService.<Op>`): developer-authenticated
// identities, their OpenID tokens and the temporary credentials they are exchanged for.
// Depends only on the local cloud's shared auth contracts (../auth/types.ts); the S3 side routes requests here.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { jsonLogger, type Logger } from '../../common/logger.js';
import type { CloudSettings, CredentialStore, Principal, ProtocolHandler } from '../auth/types.js';
import type { RequestLog } from '../request-log.js';
import { authenticate } from './authenticate.js';
import { authorizeCognitoCall } from './authorize.js';
import { parseJson, readBody } from './body.js';
import { CognitoError, invalidParameter, sendError, sendJson } from './errors.js';
import { IdentityRegistry } from './identities.js';
import * as ops from './operations.js';
import * as schemas from './schemas.js';
import { TokenService } from './tokens.js';

export const COGNITO_TARGET_PREFIX = 'AWSCognitoIdentityService.';

export interface CognitoDeps {
  settings: CloudSettings;
  credentials: CredentialStore;
  /** Where identities and the token signing key are kept (a `cognito` folder is made inside). */
  dataDir: string;
  now?: () => Date;
  /** Where internal errors are reported (default: JSON lines on stderr). */
  logger?: Logger;
  /** Every answered request, beside the S3 ones (tests check who asked for credentials). */
  log?: RequestLog;
}

interface Operation {
  schema: z.ZodType;
  /** Signed operations are refused without a valid SigV4 signature and checked against the caller's policy. */
  signed: boolean;
  run: (ctx: ops.CognitoContext, input: never) => Promise<unknown>;
}

const OPERATIONS: Record<string, Operation> = {
  GetOpenIdTokenForDeveloperIdentity: {
    schema: schemas.getOpenIdTokenForDeveloperIdentity,
    signed: true,
    run: ops.getOpenIdTokenForDeveloperIdentity,
  },
  GetCredentialsForIdentity: {
    schema: schemas.getCredentialsForIdentity,
    signed: false,
    run: ops.getCredentialsForIdentity,
  },
  GetId: { schema: schemas.getId, signed: false, run: ops.getId },
};

export function createCognitoHandler(deps: CognitoDeps): ProtocolHandler {
  const now = deps.now ?? (() => new Date());
  const logger = deps.logger ?? jsonLogger();
  const dir = join(deps.dataDir, 'cognito');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const ctx: ops.CognitoContext = {
    settings: deps.settings,
    credentials: deps.credentials,
    identities: new IdentityRegistry(dir, deps.settings.region),
    tokens: new TokenService(dir, deps.settings.identityPoolId, now),
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const target = String(req.headers['x-amz-target'] ?? '');
    const name = target.startsWith(COGNITO_TARGET_PREFIX) ? target.slice(COGNITO_TARGET_PREFIX.length) : '';
    const operation = Object.hasOwn(OPERATIONS, name) ? OPERATIONS[name] : undefined;
    if (req.method !== 'POST' || !operation) {
      req.resume();
      throw new CognitoError('UnknownOperationException', 400, `Unknown operation ${target || '(none)'}.`);
    }
    const body = await readBody(req);
    const principal: Principal | undefined = operation.signed
      ? await authenticate(req, body, { credentials: deps.credentials, region: deps.settings.region, now: now() })
      : undefined;
    const json = parseJson(body);
    if (principal) authorizeCognitoCall(principal, `cognito-identity:${name}`, deps.settings, json);
    const parsed = operation.schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw invalidParameter(`${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`);
    }
    sendJson(res, 200, await operation.run(ctx, parsed.data as never));
  }

  return (req, res) => {
    // This cloud's time, as S3's handler gives it too: a client corrects its clock offset from it.
    res.setHeader('date', now().toUTCString());
    if (deps.log) {
      const log = deps.log;
      const time = new Date().toISOString();
      const target = String(req.headers['x-amz-target'] ?? '');
      res.once('finish', () => {
        log.append({
          time,
          requestId: randomUUID(),
          method: req.method ?? '',
          protocol: 'cognito',
          operation: target.slice(COGNITO_TARGET_PREFIX.length) || 'Unknown',
          bytesReceived: Number(req.headers['content-length'] ?? 0),
          status: res.statusCode,
        });
      });
    }
    handle(req, res).catch((error: unknown) => {
      // An unread body must not keep the connection: close it after the reply.
      if (!req.readableEnded && !res.headersSent) res.setHeader('connection', 'close');
      if (error instanceof CognitoError) {
        sendError(res, error);
        return;
      }
      // Never a stack trace on the wire; the message alone in the local cloud's log.
      logger.error('cognito.internal_error', { message: error instanceof Error ? error.message : String(error) });
      sendError(res, new CognitoError('InternalErrorException', 500, 'An internal error occurred.'));
    });
  };
}
