// The claim a SigV4-signed request makes, read from its Authorization header or, presigned, from its query
// string: who signs (the credential scope), which headers are signed, the signature and the date. Only
// syntax is checked here; sigv4.ts decides whether the claim holds. Error codes and wording follow S3.
import { ALGORITHM_IDENTIFIER } from '@smithy/signature-v4';

export const MAX_PRESIGNED_EXPIRES_SECONDS = 604_800;

export interface SigV4Failure {
  ok: false;
  code: string;
  message: string;
  status: number;
  /** Extra elements S3 puts in its <Error> (e.g. ServerTime, StringToSign). */
  details?: Record<string, string>;
}

export const fail = (
  status: number,
  code: string,
  message: string,
  details?: Record<string, string>,
): SigV4Failure => ({
  ok: false,
  status,
  code,
  message,
  ...(details ? { details } : {}),
});

const AUTH_HEADER_PATTERN =
  /^AWS4-HMAC-SHA256\s+Credential=([^,\s]+)\s*,\s*SignedHeaders=([^,\s]+)\s*,\s*Signature=([0-9a-fA-F]+)\s*$/;
const AMZ_DATE_PATTERN = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

export interface ParsedAuth {
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

export type ParseResult = { ok: true; value: ParsedAuth } | { ok: false; failure: SigV4Failure };

export function parseAuth(header: (name: string) => string | undefined, pairs: Array<[string, string]>): ParseResult {
  const authorization = header('authorization');
  const query = new Map(pairs);
  const hasQueryAuth = query.has('X-Amz-Algorithm') || query.has('X-Amz-Signature') || query.has('X-Amz-Credential');
  if (authorization !== undefined && hasQueryAuth) {
    return {
      ok: false,
      failure: fail(
        400,
        'InvalidArgument',
        'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header ' +
          'should be specified',
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
        'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, ' +
          'X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.',
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
): Pick<ParsedAuth, 'accessKeyId' | 'scopeDate' | 'scopeRegion' | 'scopeService'> | undefined {
  const parts = credential.split('/');
  if (parts.length !== 5 || parts[4] !== 'aws4_request') return undefined;
  const [accessKeyId = '', scopeDate = '', scopeRegion = '', scopeService = ''] = parts;
  if (!accessKeyId || !/^\d{8}$/.test(scopeDate)) return undefined;
  return { accessKeyId, scopeDate, scopeRegion, scopeService };
}

export function parseAmzDate(value: string): Date | undefined {
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
