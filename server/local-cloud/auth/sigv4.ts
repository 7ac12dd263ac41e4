// SigV4 verification for the Authorization header and presigned query strings, generic over the service
// (`s3`, `cognito-identity`): the claim is read by sigv4-parse.ts, checked here against the stored
// credentials, the clock and the endpoint's scope, and its signature compared in constant time with the one
// sigv4-canonical.ts computes. Error codes and wording follow S3; other protocols map `code` to their own
// error shapes.
import { timingSafeEqual } from 'node:crypto';
import { expectedSignature } from './sigv4-canonical.js';
import { fail, parseAmzDate, parseAuth, type SigV4Failure } from './sigv4-parse.js';
import { parseRawQuery } from './query.js';
import type { CredentialStore, Principal, StoredCredentials } from './types.js';

export type { SigV4Failure } from './sigv4-parse.js';
export const MAX_SKEW_MS = 15 * 60 * 1000;

export interface SigV4Request {
  method: string;
  /** The path exactly as sent on the request line (percent-encoded), without the query. */
  rawPath: string;
  /** The query exactly as sent, without the leading `?`. */
  rawQuery: string;
  /** Request headers, lower-case names; arrays (node's headersDistinct) are joined with `,`. */
  headers: Record<string, string | string[] | undefined>;
  /**
   * Hex SHA-256 of the body for services that do not send x-amz-content-sha256 (cognito-identity).
   * For S3 leave it out: the x-amz-content-sha256 header (or UNSIGNED-PAYLOAD when presigned) is used.
   */
  payloadHash?: string;
  service: string;
  region: string;
  now: Date;
  credentials: CredentialStore;
}

export interface SigV4Success {
  ok: true;
  principal: Principal;
  accessKeyId: string;
  stored: StoredCredentials;
  presigned: boolean;
  /** The request's signature: the seed for aws-chunked signed chunks. */
  signature: string;
  /** x-amz-date of the request (YYYYMMDDTHHMMSSZ) and the credential scope, for chunk signatures. */
  amzDate: string;
  scope: string;
  /** Signs a string-to-sign with this request's signing key (aws-chunked chunk and trailer signatures). */
  signString: (stringToSign: string) => Promise<string>;
}

export type SigV4Result = SigV4Success | SigV4Failure;

export async function verifySigV4(input: SigV4Request): Promise<SigV4Result> {
  const header = (name: string): string | undefined => {
    const value = input.headers[name];
    return Array.isArray(value) ? value.join(',') : value;
  };
  let pairs: Array<[string, string]>;
  try {
    pairs = parseRawQuery(input.rawQuery);
  } catch {
    return fail(400, 'InvalidArgument', 'The query string is not valid percent-encoding.');
  }
  const parsed = parseAuth(header, pairs);
  if (!parsed.ok) return parsed.failure;
  const p = parsed.value;
  const errorPrefix = p.presigned ? 'AuthorizationQueryParametersError' : 'AuthorizationHeaderMalformed';

  const stored = input.credentials.lookup(p.accessKeyId);
  if (!stored) {
    return fail(403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.', {
      AWSAccessKeyId: p.accessKeyId,
    });
  }
  if (stored.sessionToken !== undefined) {
    // Temporary credentials are only valid together with their session token.
    if (p.sessionToken === undefined) {
      return fail(403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.', {
        AWSAccessKeyId: p.accessKeyId,
      });
    }
    if (!constantTimeEqual(p.sessionToken, stored.sessionToken)) {
      return fail(400, 'InvalidToken', 'The provided token is malformed or otherwise invalid.');
    }
  } else if (p.sessionToken !== undefined && p.sessionToken !== '') {
    return fail(400, 'InvalidToken', 'The provided token is malformed or otherwise invalid.');
  }
  if (stored.expiration && stored.expiration.getTime() <= input.now.getTime()) {
    return fail(400, 'ExpiredToken', 'The provided token has expired.');
  }

  const signingDate = parseAmzDate(p.amzDate);
  if (!signingDate) {
    return p.presigned
      ? fail(400, errorPrefix, "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"")
      : fail(403, 'AccessDenied', 'AWS authentication requires a valid Date or x-amz-date header');
  }
  if (p.scopeDate !== p.amzDate.slice(0, 8)) {
    return fail(
      400,
      errorPrefix,
      `Invalid credential date "${p.scopeDate}". This date is not the same as X-Amz-Date: "${p.amzDate.slice(0, 8)}".`,
    );
  }
  if (p.scopeRegion !== input.region) {
    return fail(
      400,
      errorPrefix,
      `The authorization header is malformed; the region '${p.scopeRegion}' is wrong; expecting '${input.region}'`,
      {
        Region: input.region,
      },
    );
  }
  if (p.scopeService !== input.service) {
    return fail(
      400,
      errorPrefix,
      `The authorization header is malformed; incorrect service "${p.scopeService}". This endpoint belongs to "${input.service}".`,
    );
  }
  const serverTime = isoSeconds(input.now);
  if (p.presigned) {
    const expires = p.expiresSeconds ?? 0;
    if (input.now.getTime() > signingDate.getTime() + expires * 1000) {
      return fail(403, 'AccessDenied', 'Request has expired', {
        'X-Amz-Expires': String(expires),
        Expires: isoSeconds(new Date(signingDate.getTime() + expires * 1000)),
        ServerTime: serverTime,
      });
    }
    if (signingDate.getTime() - input.now.getTime() > MAX_SKEW_MS) {
      return fail(403, 'AccessDenied', 'Request is not valid yet');
    }
  } else if (Math.abs(signingDate.getTime() - input.now.getTime()) > MAX_SKEW_MS) {
    return fail(
      403,
      'RequestTimeTooSkewed',
      'The difference between the request time and the current time is too large.',
      {
        RequestTime: p.amzDate,
        ServerTime: serverTime,
        MaxAllowedSkewMilliseconds: String(MAX_SKEW_MS),
      },
    );
  }

  let payloadHash: string;
  if (p.presigned)
    payloadHash = p.queryForSigning.find(([name]) => name === 'X-Amz-Content-Sha256')?.[1] ?? 'UNSIGNED-PAYLOAD';
  else if (input.payloadHash !== undefined) payloadHash = input.payloadHash;
  else {
    const declared = header('x-amz-content-sha256');
    if (declared === undefined) {
      return fail(400, 'InvalidRequest', 'Missing required header for this request: x-amz-content-sha256');
    }
    payloadHash = declared;
  }

  // As S3: the host and every x-amz-* header sent must be signed, or a relay could add or change them.
  const unsigned = Object.keys(input.headers).filter(
    (name) =>
      (name === 'host' || name.startsWith('x-amz-')) &&
      input.headers[name] !== undefined &&
      !p.signedHeaders.includes(name),
  );
  if (!p.signedHeaders.includes('host') && !unsigned.includes('host')) unsigned.unshift('host');
  if (unsigned.length > 0) {
    return fail(403, 'AccessDenied', 'There were headers present in the request which were not signed', {
      HeadersNotSigned: unsigned.join(', '),
    });
  }

  const signedHeaderValues: Record<string, string> = {};
  for (const name of p.signedHeaders) {
    const value = header(name);
    if (value === undefined) {
      return fail(
        403,
        'SignatureDoesNotMatch',
        'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
      );
    }
    signedHeaderValues[name] = value;
  }
  const scope = `${p.scopeDate}/${p.scopeRegion}/${p.scopeService}/aws4_request`;
  const expected = await expectedSignature(
    { accessKeyId: stored.accessKeyId, secretAccessKey: stored.secretAccessKey },
    { region: input.region, service: input.service },
    {
      method: input.method,
      rawPath: input.rawPath,
      query: p.queryForSigning,
      headers: signedHeaderValues,
      signedHeaders: p.signedHeaders,
      payloadHash,
      amzDate: p.amzDate,
      scope,
      signingDate,
    },
  );
  if (!constantTimeEqual(expected.signature, p.signature.toLowerCase())) {
    return fail(
      403,
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
      {
        AWSAccessKeyId: p.accessKeyId,
        StringToSign: expected.stringToSign,
        SignatureProvided: p.signature,
        CanonicalRequest: expected.canonicalRequest,
      },
    );
  }
  return {
    ok: true,
    principal: stored.principal,
    accessKeyId: stored.accessKeyId,
    stored,
    presigned: p.presigned,
    signature: p.signature.toLowerCase(),
    amzDate: p.amzDate,
    scope,
    signString: expected.signString,
  };
}

function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Compares signatures and tokens without revealing, by timing, how much of them matched. */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
