// The signature a SigV4 request should carry, computed by @smithy/signature-v4 itself over exactly the
// headers the client listed in SignedHeaders and the payload hash it declared, so the local cloud agrees
// with the SDK's canonical request byte for byte.
import { HttpRequest } from '@smithy/protocol-http';
import { ALGORITHM_IDENTIFIER, SignatureV4, getCanonicalHeaders } from '@smithy/signature-v4';
import { NodeSha256 } from './node-hash.js';
import { toQueryBag } from './query.js';

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

export interface SignedRequest {
  method: string;
  rawPath: string;
  /** The query pairs that were signed (a presigned request's own X-Amz-Signature left out). */
  query: Array<[string, string]>;
  /** The values of the signed headers, by lower-case name. */
  headers: Record<string, string>;
  signedHeaders: string[];
  payloadHash: string;
  amzDate: string;
  scope: string;
  signingDate: Date;
}

export interface ExpectedSignature {
  signature: string;
  canonicalRequest: string;
  stringToSign: string;
  /** Signs a string-to-sign with this request's signing key (aws-chunked chunk and trailer signatures). */
  signString: (stringToSign: string) => Promise<string>;
}

export async function expectedSignature(
  credentials: { accessKeyId: string; secretAccessKey: string },
  place: { region: string; service: string },
  signed: SignedRequest,
): Promise<ExpectedSignature> {
  const verifier = new Verifier(credentials, place.region, place.service);
  const request = new HttpRequest({
    method: signed.method,
    protocol: 'http:',
    hostname: signed.headers['host'] ?? '',
    path: signed.rawPath,
    query: toQueryBag(signed.query),
    headers: signed.headers,
  });
  const expected = await verifier.expected(
    request,
    signed.signedHeaders,
    signed.payloadHash,
    signed.amzDate,
    signed.scope,
    signed.signingDate,
  );
  return {
    ...expected,
    signString: (stringToSign) => verifier.sign(stringToSign, { signingDate: signed.signingDate }),
  };
}
