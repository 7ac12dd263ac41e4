// SigV4 verification for the Authorization header and presigned query strings, generic over the service
// (`s3`, `cognito-identity`). The expected signature is computed by @smithy/signature-v4 itself, over
// exactly the headers the client listed in SignedHeaders, and compared in constant time. Error codes and
// wording follow S3; other protocols map `code` to their own error shapes.
import { timingSafeEqual } from 'node:crypto';
import { HttpRequest } from '@smithy/protocol-http';
import { ALGORITHM_IDENTIFIER, SignatureV4, getCanonicalHeaders } from '@smithy/signature-v4';
import { NodeSha256 } from './node-hash.js';
import { parseRawQuery, toQueryBag } from './query.js';
import type { CredentialStore, Principal, StoredCredentials } from './types.js';

export const MAX_SKEW_MS = 15 * 60 * 1000;
export const MAX_PRESIGNED_EXPIRES_SECONDS = 604_800;

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

export interface SigV4Failure {
  ok: false;
  code: string;
  message: string;
  status: number;
  /** Extra elements S3 puts in its <Error> (e.g. ServerTime, StringToSign). */
  details?: Record<string, string>;
}

export type SigV4Result = SigV4Success | SigV4Failure;

const fail = (status: number, code: string, message: string, details?: Record<string, string>): SigV4Failure => ({
  ok: false,
  status,
  code,
  message,
  ...(details ? { details } : {}),
});

const AUTH_HEADER_PATTERN =
  /^AWS4-HMAC-SHA256\s+Credential=([^,\s]+)\s*,\s*SignedHeaders=([^,\s]+)\s*,\s*Signature=([0-9a-fA-F]+)\s*$/;
const AMZ_DATE_PATTERN = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** A SignatureV4 whose protected steps we drive with the client's own signed-header list and payload hash. */
class Verifier extends SignatureV4 {
  constructor(credentials: { accessKeyId: string; secretAccessKey: string }, region: string, service: string) {
    // S3 signs the path as sent (encoded once, not normalised); other services encode it twice.
    super({ credentials, region, service, sha256: NodeSha256, uriEscapePath: service !== 's3', applyChecksum: false });
  }

  async expected(
    request: HttpRequest,
    signedHeaders: string[],
    payloadHash: string,
    amzDate: string,
    scope: string,
    signingDate: Date,
  ): Promise<{ signature: string; canonicalRequest: string; stringToSign: string }> {
    const canonicalHeaders = getCanonicalHeaders(request, undefined, new Set(signedHeaders));
    const canonicalRequest = this.createCanonicalRequest(request, canonicalHeaders, payloadHash);
    const stringToSign = await this.createStringToSign(amzDate, scope, canonicalRequest, ALGORITHM_IDENTIFIER);
    const signature = await this.sign(stringToSign, { signingDate });
    return { signature, canonicalRequest, stringToSign };
  }
}

interface Parsed {
  presigned: boolean;
  accessKeyId: string;
  scopeDate: string;
  scopeRegion: string;
  scopeService: string;
  signedHeaders: string[];
  signature: string;
  amzDate: string;
  sessionToken: string | undefined;
  expiresSeconds?: number;
  queryForSigning: Array<[string, string]>;
}

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
  const parsed = parseAuth(input, header, pairs);
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
  const verifier = new Verifier(
    { accessKeyId: stored.accessKeyId, secretAccessKey: stored.secretAccessKey },
    input.region,
    input.service,
  );
  const scope = `${p.scopeDate}/${p.scopeRegion}/${p.scopeService}/aws4_request`;
  const request = new HttpRequest({
    method: input.method,
    protocol: 'http:',
    hostname: signedHeaderValues['host'] ?? '',
    path: input.rawPath,
    query: toQueryBag(p.queryForSigning),
    headers: signedHeaderValues,
  });
  const expected = await verifier.expected(request, p.signedHeaders, payloadHash, p.amzDate, scope, signingDate);
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
    signString: (stringToSign) => verifier.sign(stringToSign, { signingDate }),
  };
}

type ParseResult = { ok: true; value: Parsed } | { ok: false; failure: SigV4Failure };

function parseAuth(
  input: SigV4Request,
  header: (name: string) => string | undefined,
  pairs: Array<[string, string]>,
): ParseResult {
  const authorization = header('authorization');
  const query = new Map(pairs);
  const hasQueryAuth = query.has('X-Amz-Algorithm') || query.has('X-Amz-Signature') || query.has('X-Amz-Credential');
  if (authorization !== undefined && hasQueryAuth) {
    return {
      ok: false,
      failure: fail(
        400,
        'InvalidArgument',
        'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified',
      ),
    };
  }
  if (authorization !== undefined) {
    const match = AUTH_HEADER_PATTERN.exec(authorization);
    if (!match) {
      if (!authorization.startsWith('AWS4-HMAC-SHA256')) {
        return {
          ok: false,
          failure: fail(
            400,
            'InvalidRequest',
            'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.',
          ),
        };
      }
      return {
        ok: false,
        failure: fail(
          400,
          'AuthorizationHeaderMalformed',
          'The authorization header is malformed; the authorization header requires three components: Credential, SignedHeaders, and Signature.',
        ),
      };
    }
    const [, credential = '', signedHeaders = '', signature = ''] = match;
    const scope = parseCredential(credential);
    if (!scope) {
      return {
        ok: false,
        failure: fail(
          400,
          'AuthorizationHeaderMalformed',
          `The authorization header is malformed; the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".`,
        ),
      };
    }
    return {
      ok: true,
      value: {
        presigned: false,
        ...scope,
        signedHeaders: signedHeaders.toLowerCase().split(';'),
        signature,
        amzDate: header('x-amz-date') ?? dateHeaderAsAmz(header('date')) ?? '',
        sessionToken: header('x-amz-security-token'),
        queryForSigning: pairs,
      },
    };
  }
  if (hasQueryAuth) {
    const bad = (message: string): ParseResult => ({
      ok: false,
      failure: fail(400, 'AuthorizationQueryParametersError', message),
    });
    if (query.get('X-Amz-Algorithm') !== ALGORITHM_IDENTIFIER) {
      return bad('X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"');
    }
    const credential = query.get('X-Amz-Credential');
    const signature = query.get('X-Amz-Signature');
    const signedHeaders = query.get('X-Amz-SignedHeaders');
    const amzDate = query.get('X-Amz-Date');
    const expiresRaw = query.get('X-Amz-Expires');
    if (!credential || !signature || !signedHeaders || !amzDate || expiresRaw === undefined) {
      return bad(
        'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.',
      );
    }
    if (!/^\d+$/.test(expiresRaw)) return bad('X-Amz-Expires should be a number');
    const expiresSeconds = Number(expiresRaw);
    if (expiresSeconds > MAX_PRESIGNED_EXPIRES_SECONDS) {
      return bad('X-Amz-Expires must be less than a week (in seconds) that is; the maximum expires is 604800 seconds');
    }
    const scope = parseCredential(credential);
    if (!scope)
      return bad(
        'Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".',
      );
    return {
      ok: true,
      value: {
        presigned: true,
        ...scope,
        signedHeaders: signedHeaders.toLowerCase().split(';'),
        signature,
        amzDate,
        sessionToken: query.get('X-Amz-Security-Token'),
        expiresSeconds,
        queryForSigning: pairs.filter(([name]) => name !== 'X-Amz-Signature'),
      },
    };
  }
  return { ok: false, failure: fail(403, 'AccessDenied', 'Access Denied') };
}

function parseCredential(
  credential: string,
): Pick<Parsed, 'accessKeyId' | 'scopeDate' | 'scopeRegion' | 'scopeService'> | undefined {
  const parts = credential.split('/');
  if (parts.length !== 5 || parts[4] !== 'aws4_request') return undefined;
  const [accessKeyId = '', scopeDate = '', scopeRegion = '', scopeService = ''] = parts;
  if (!accessKeyId || !/^\d{8}$/.test(scopeDate)) return undefined;
  return { accessKeyId, scopeDate, scopeRegion, scopeService };
}

function parseAmzDate(value: string): Date | undefined {
  const m = AMZ_DATE_PATTERN.exec(value);
  if (!m) return undefined;
  const date = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** An RFC 1123 Date header in the x-amz-date form (clients that sign `date` instead of `x-amz-date`). */
function dateHeaderAsAmz(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime())
    ? undefined
    : date
        .toISOString()
        .replace(/[-:]/g, '')
        .replace(/\.\d{3}/, '');
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
