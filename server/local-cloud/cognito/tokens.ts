// The OpenID tokens Cognito hands to developer-authenticated identities: RS256 JWTs whose signing key
// is generated once per data folder, so tokens stay valid across a restart of the local cloud.
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT, errors as joseErrors, jwtVerify } from 'jose';
import { writeFileAtomicSync } from '../storage/atomic.js';
import { notAuthorized } from './errors.js';

export const COGNITO_ISSUER = 'https://cognito-identity.amazonaws.com';

export interface TokenClaims {
  identityId: string;
  provider: string;
  userId: string;
  durationSeconds: number;
}

export class TokenService {
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;
  private readonly kid: string;

  constructor(
    dir: string,
    private readonly identityPoolId: string,
    private readonly now: () => Date,
  ) {
    const path = join(dir, 'token-signing-key.pem');
    if (!existsSync(path)) {
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      writeFileAtomicSync(path, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    }
    this.privateKey = createPrivateKey(readFileSync(path, 'utf8'));
    this.publicKey = createPublicKey(this.privateKey);
    this.kid = `local-${this.publicKey.export({ format: 'jwk' }).n?.slice(0, 16) ?? 'key'}`;
  }

  async issue(claims: TokenClaims): Promise<string> {
    const issuedAt = Math.floor(this.now().getTime() / 1000);
    return new SignJWT({
      amr: ['authenticated', claims.provider, `${claims.provider}:${this.identityPoolId}:${claims.userId}`],
    })
      .setProtectedHeader({ alg: 'RS256', kid: this.kid, typ: 'JWS' })
      .setIssuer(COGNITO_ISSUER)
      .setAudience(this.identityPoolId)
      .setSubject(claims.identityId)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + claims.durationSeconds)
      .sign(this.privateKey);
  }

  /** The identity id a valid token was issued to; NotAuthorizedException for anything else. */
  async verify(token: string): Promise<string> {
    try {
      const { payload } = await jwtVerify(token, this.publicKey, {
        algorithms: ['RS256'],
        issuer: COGNITO_ISSUER,
        audience: this.identityPoolId,
        currentDate: this.now(),
        clockTolerance: 0,
      });
      const amr = payload['amr'];
      if (typeof payload.sub !== 'string' || !Array.isArray(amr) || !amr.includes('authenticated')) {
        throw notAuthorized('Invalid login token. Not an authenticated identity token.');
      }
      return payload.sub;
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw notAuthorized('Invalid login token. Token expired.');
      if (error instanceof joseErrors.JWTClaimValidationFailed && error.claim === 'aud') {
        throw notAuthorized('Invalid login token. Incorrect token audience.');
      }
      if (error instanceof joseErrors.JOSEError) throw notAuthorized('Invalid login token.');
      throw error;
    }
  }
}
