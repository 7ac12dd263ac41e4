// Refresh tokens that carry their own state, for the stateless broker: the developer user id, the session
// family, the family's deadline and the token's expiry, encrypted and authenticated with a key from the
// environment (JWE, dir + A256GCM, jose). Any instance holding the key can check and rotate them; none can be
// revoked one by one (SECURITY.md, "The stateless broker"), so they live briefly and the family has a deadline.
import { createHash } from 'node:crypto';
import { EncryptJWT, base64url, jwtDecrypt } from 'jose';

export interface SealedClaims {
  userId: string;
  familyId: string;
  /** When the whole family ends, however often it was refreshed (epoch seconds). */
  familyExpiresAt: number;
  /** When this token ends (epoch seconds). */
  expiresAt: number;
}

export interface Sealer {
  seal(claims: SealedClaims): Promise<string>;
  /** The claims, or undefined for a token that is forged, damaged, sealed with an unknown key or expired. */
  unseal(token: string, now: Date): Promise<SealedClaims | undefined>;
}

const ISSUER = 'hoist-broker';
const AUDIENCE = 'hoist-broker-refresh';

/** A seal key: 32 random bytes, base64url (`openssl rand -base64 32 | tr '+/' '-_' | tr -d '='`). */
export function parseSealKey(value: string, name = 'HOIST_BROKER_SEAL_KEY'): Uint8Array {
  let key: Uint8Array;
  try {
    key = base64url.decode(value.trim());
  } catch {
    throw new Error(`invalid broker configuration: ${name} is not base64url`);
  }
  if (key.length !== 32)
    throw new Error(`invalid broker configuration: ${name} must be 32 bytes (base64url), it is ${key.length}`);
  return key;
}

/** Seals with `current`; opens tokens sealed with `current` or any `previous` key (key rotation). */
export function createSealer(current: Uint8Array, previous: Uint8Array[] = []): Sealer {
  const kidOf = (key: Uint8Array): string => createHash('sha256').update(key).digest('base64url').slice(0, 16);
  const keys = new Map([current, ...previous].map((key) => [kidOf(key), key]));
  const currentKid = kidOf(current);
  return {
    async seal(claims) {
      return new EncryptJWT({ fam: claims.familyId, fexp: claims.familyExpiresAt })
        .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid: currentKid })
        .setSubject(claims.userId)
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(claims.expiresAt)
        .encrypt(current);
    },
    async unseal(token, now) {
      try {
        const { payload } = await jwtDecrypt(
          token,
          async (header) => keys.get(header.kid ?? '') ?? new Uint8Array(32),
          {
            issuer: ISSUER,
            audience: AUDIENCE,
            currentDate: now,
            keyManagementAlgorithms: ['dir'],
            contentEncryptionAlgorithms: ['A256GCM'],
          },
        );
        const { sub, fam, fexp, exp } = payload;
        if (typeof sub !== 'string' || typeof fam !== 'string' || typeof fexp !== 'number' || typeof exp !== 'number')
          return undefined;
        if (fexp * 1000 <= now.getTime()) return undefined;
        return { userId: sub, familyId: fam, familyExpiresAt: fexp, expiresAt: exp };
      } catch {
        return undefined;
      }
    },
  };
}
