// SigV4 verification against requests signed by the SDK's own signer (@smithy/signature-v4).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, describe, expect, it } from 'vitest';
import { openCredentialStore } from '../../../server/local-cloud/auth/credential-store.js';
import { NodeSha256 } from '../../../server/local-cloud/auth/node-hash.js';
import { verifySigV4, type SigV4Request } from '../../../server/local-cloud/auth/sigv4.js';
import { sha256 } from '../../support/digest.js';

const dir = mkdtempSync(join(tmpdir(), 'sigv4-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const NOW = new Date('2026-11-26T10:00:00Z');
const store = openCredentialStore(dir, () => NOW);
const temp = store.issueTemporary('us-east-1:11111111-2222-3333-4444-555555555555', 3600);
const EMPTY = sha256('');

interface Creds {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

function signerFor(credentials: Creds, service = 's3'): SignatureV4 {
  return new SignatureV4({
    credentials,
    region: 'us-east-1',
    service,
    sha256: NodeSha256,
    uriEscapePath: service !== 's3',
  });
}

function baseRequest(
  path = '/hoist-uploads/a%20b/%2B%C3%BC.txt',
  query: Record<string, string> = { 'x-id': 'PutObject' },
): HttpRequest {
  return new HttpRequest({
    method: 'PUT',
    protocol: 'http:',
    hostname: '127.0.0.1',
    port: 9000,
    path,
    query,
    headers: { host: '127.0.0.1:9000', 'x-amz-content-sha256': EMPTY, 'content-type': 'text/plain' },
  });
}

function encodeQuery(query: Record<string, string | string[] | null>): string {
  return Object.entries(query)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v ?? ''))}`)
    .join('&');
}

function toVerify(signed: HttpRequest, overrides: Partial<SigV4Request> = {}): SigV4Request {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(signed.headers)) headers[k.toLowerCase()] = v;
  return {
    method: signed.method,
    rawPath: signed.path,
    rawQuery: encodeQuery(signed.query as Record<string, string>),
    headers,
    service: 's3',
    region: 'us-east-1',
    now: NOW,
    credentials: store,
    ...overrides,
  };
}

async function signed(creds: Creds, request = baseRequest(), signingDate = NOW): Promise<HttpRequest> {
  return (await signerFor(creds).sign(request, { signingDate })) as HttpRequest;
}

describe('verifySigV4 (Authorization header)', () => {
  it('accepts a request signed with admin credentials and names the principal', async () => {
    const result = await verifySigV4(toVerify(await signed(store.admin)));
    expect(result).toMatchObject({ ok: true, principal: { kind: 'admin' } });
  });

  it('accepts temporary credentials with their session token', async () => {
    const result = await verifySigV4(toVerify(await signed(temp)));
    expect(result).toMatchObject({
      ok: true,
      principal: { kind: 'identity', identityId: 'us-east-1:11111111-2222-3333-4444-555555555555' },
    });
  });

  it('refuses a tampered signed header with SignatureDoesNotMatch', async () => {
    const request = toVerify(await signed(store.admin));
    request.headers['content-type'] = 'text/html';
    expect(await verifySigV4(request)).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch', status: 403 });
  });

  it('refuses a tampered path with SignatureDoesNotMatch', async () => {
    const request = toVerify(await signed(store.admin), { rawPath: '/hoist-uploads/other' });
    expect(await verifySigV4(request)).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch' });
  });

  it('refuses a signature made with the wrong secret', async () => {
    const result = await verifySigV4(toVerify(await signed({ ...store.admin, secretAccessKey: 'not-the-secret' })));
    expect(result).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch', status: 403 });
  });

  it('refuses an unknown access key with InvalidAccessKeyId', async () => {
    const result = await verifySigV4(
      toVerify(await signed({ accessKeyId: 'AKIAUNKNOWNUNKNOWN00', secretAccessKey: 'x' })),
    );
    expect(result).toMatchObject({ ok: false, code: 'InvalidAccessKeyId', status: 403 });
  });

  it('refuses temporary credentials without their session token', async () => {
    const result = await verifySigV4(
      toVerify(await signed({ accessKeyId: temp.accessKeyId, secretAccessKey: temp.secretAccessKey })),
    );
    expect(result).toMatchObject({ ok: false, code: 'InvalidAccessKeyId', status: 403 });
  });

  it('refuses a wrong session token with InvalidToken', async () => {
    const result = await verifySigV4(toVerify(await signed({ ...temp, sessionToken: 'forged' })));
    expect(result).toMatchObject({ ok: false, code: 'InvalidToken', status: 400 });
  });

  it('refuses expired credentials with ExpiredToken in S3 wording', async () => {
    const later = new Date(NOW.getTime() + 3601 * 1000);
    const result = await verifySigV4(toVerify(await signed(temp, baseRequest(), later), { now: later }));
    expect(result).toEqual({
      ok: false,
      code: 'ExpiredToken',
      status: 400,
      message: 'The provided token has expired.',
    });
  });

  it('refuses a request signed more than 15 minutes off the server clock', async () => {
    const skewed = new Date(NOW.getTime() - 16 * 60 * 1000);
    const result = await verifySigV4(toVerify(await signed(store.admin, baseRequest(), skewed)));
    expect(result).toMatchObject({ ok: false, code: 'RequestTimeTooSkewed', status: 403 });
    const within = new Date(NOW.getTime() - 14 * 60 * 1000);
    expect(await verifySigV4(toVerify(await signed(store.admin, baseRequest(), within)))).toMatchObject({ ok: true });
  });

  it('refuses an unsigned request with AccessDenied', async () => {
    const request = toVerify(baseRequest());
    expect(await verifySigV4(request)).toMatchObject({ ok: false, code: 'AccessDenied', status: 403 });
  });

  it('refuses a credential scoped to another region', async () => {
    const signer = new SignatureV4({
      credentials: store.admin,
      region: 'eu-west-1',
      service: 's3',
      sha256: NodeSha256,
      uriEscapePath: false,
    });
    const request = (await signer.sign(baseRequest(), { signingDate: NOW })) as HttpRequest;
    expect(await verifySigV4(toVerify(request))).toMatchObject({
      ok: false,
      code: 'AuthorizationHeaderMalformed',
      status: 400,
    });
  });

  it('verifies other services with the double-encoded path and a given payload hash (cognito-identity)', async () => {
    const body = '{"IdentityPoolId":"us-east-1:x"}';
    const request = new HttpRequest({
      method: 'POST',
      protocol: 'http:',
      hostname: '127.0.0.1',
      path: '/',
      headers: {
        host: '127.0.0.1:9000',
        'x-amz-target': 'AWSCognitoIdentityService.GetOpenIdTokenForDeveloperIdentity',
        'content-type': 'application/x-amz-json-1.1',
      },
      body,
    });
    const signedRequest = (await signerFor(store.developer, 'cognito-identity').sign(request, {
      signingDate: NOW,
    })) as HttpRequest;
    const payloadHash = sha256(body);
    const ok = await verifySigV4(toVerify(signedRequest, { service: 'cognito-identity', payloadHash }));
    expect(ok).toMatchObject({ ok: true, principal: { kind: 'developer' } });
    const tampered = await verifySigV4(
      toVerify(signedRequest, { service: 'cognito-identity', payloadHash: sha256('{}') }),
    );
    expect(tampered).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch' });
  });
});

describe('verifySigV4 (presigned query string)', () => {
  async function presigned(creds: Creds, expiresIn: number, signingDate = NOW): Promise<HttpRequest> {
    const request = baseRequest('/hoist-uploads/p%20q', { 'x-id': 'GetObject' });
    request.method = 'GET';
    // as @aws-sdk/s3-request-presigner does: the payload is unsigned, and the header is hoisted to the query
    request.headers = { host: '127.0.0.1:9000', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' };
    return (await signerFor(creds).presign(request, { signingDate, expiresIn })) as HttpRequest;
  }

  it('accepts a valid presigned URL (temporary credentials, token in the query)', async () => {
    const result = await verifySigV4(toVerify(await presigned(temp, 900)));
    expect(result).toMatchObject({ ok: true, presigned: true, principal: { kind: 'identity' } });
  });

  it('refuses an expired presigned URL with AccessDenied "Request has expired"', async () => {
    const result = await verifySigV4(
      toVerify(await presigned(store.admin, 60), { now: new Date(NOW.getTime() + 61_000) }),
    );
    expect(result).toMatchObject({ ok: false, code: 'AccessDenied', message: 'Request has expired', status: 403 });
  });

  it('refuses X-Amz-Expires over 7 days with AuthorizationQueryParametersError', async () => {
    const request = toVerify(await presigned(store.admin, 604_800));
    expect(await verifySigV4(request)).toMatchObject({ ok: true });
    request.rawQuery = request.rawQuery.replace('X-Amz-Expires=604800', 'X-Amz-Expires=604801');
    expect(await verifySigV4(request)).toMatchObject({
      ok: false,
      code: 'AuthorizationQueryParametersError',
      status: 400,
    });
  });

  it('refuses a presigned URL whose query was altered', async () => {
    const request = toVerify(await presigned(store.admin, 900));
    request.rawQuery = request.rawQuery.replace('x-id=GetObject', 'x-id=PutObject');
    expect(await verifySigV4(request)).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch' });
  });

  it('refuses both an Authorization header and query authentication', async () => {
    const request = toVerify(await presigned(store.admin, 900));
    request.headers['authorization'] =
      'AWS4-HMAC-SHA256 Credential=x/20261126/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00';
    expect(await verifySigV4(request)).toMatchObject({ ok: false, code: 'InvalidArgument', status: 400 });
  });
});
