// Who signed a Cognito request: the local cloud's SigV4 verifier (service `cognito-identity`, payload hash
// over the JSON body), with its S3-style failure codes mapped to the errors Cognito's JSON protocol sends.
import type { IncomingMessage } from 'node:http';
import { createHash } from 'node:crypto';
import { verifySigV4 } from '../auth/sigv4.js';
import type { CredentialStore, Principal } from '../auth/types.js';
import { CognitoError } from './errors.js';

const INVALID_TOKEN = 'The security token included in the request is invalid.';

export async function authenticate(
  req: IncomingMessage,
  body: Buffer,
  deps: { credentials: CredentialStore; region: string; now: Date },
): Promise<Principal> {
  if (req.headers.authorization === undefined) {
    throw new CognitoError('MissingAuthenticationTokenException', 403, 'Missing Authentication Token');
  }
  const url = req.url ?? '/';
  const queryAt = url.indexOf('?');
  const result = await verifySigV4({
    method: req.method ?? 'POST',
    rawPath: queryAt === -1 ? url : url.slice(0, queryAt),
    rawQuery: queryAt === -1 ? '' : url.slice(queryAt + 1),
    headers: req.headers,
    payloadHash: createHash('sha256').update(body).digest('hex'),
    service: 'cognito-identity',
    region: deps.region,
    now: deps.now,
    credentials: deps.credentials,
  });
  if (result.ok) return result.principal;
  switch (result.code) {
    case 'InvalidAccessKeyId':
    case 'InvalidToken':
      throw new CognitoError('UnrecognizedClientException', 400, INVALID_TOKEN);
    case 'ExpiredToken':
      throw new CognitoError('ExpiredTokenException', 400, 'The security token included in the request is expired');
    case 'RequestTimeTooSkewed':
      throw new CognitoError(
        'InvalidSignatureException',
        400,
        'Signature expired: the request time is more than 15 minutes from the server time.',
      );
    case 'SignatureDoesNotMatch':
      throw new CognitoError(
        'InvalidSignatureException',
        400,
        'The request signature we calculated does not match the signature you provided.',
      );
    default:
      throw new CognitoError('IncompleteSignatureException', 400, result.message);
  }
}
