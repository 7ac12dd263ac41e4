// The broker's one AWS call: GetOpenIdTokenForDeveloperIdentity. Uses the SDK's standard credential chain
// unless credentials are given (the local stack), so the same code runs against real AWS.
import { CognitoIdentityClient, GetOpenIdTokenForDeveloperIdentityCommand } from '@aws-sdk/client-cognito-identity';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { decodeJwt } from 'jose';
import { Agent } from 'node:https';
import { rootCertificates } from 'node:tls';

export interface OpenIdToken {
  identityId: string;
  token: string;
  expiresAt: Date;
}

/** Issues a Cognito OpenID token for a developer user id. */
export interface OpenIdTokenIssuer {
  issue(userId: string): Promise<OpenIdToken>;
  destroy(): void;
}

export interface CognitoOptions {
  region: string;
  identityPoolId: string;
  developerProviderName: string;
  /** Lifetime of the OpenID token, 1–86,400 s (default 900, as Cognito). */
  tokenDurationSeconds?: number;
  /** Only for the local cloud: real AWS needs neither. */
  endpoint?: string;
  credentials?: AwsCredentialIdentity;
  /** Extra authorities for an https endpoint with a private CA (the local stack's --tls), added to the defaults. */
  extraCaCertificates?: string[];
}

export class UpstreamError extends Error {}

export function createCognitoTokenIssuer(
  options: CognitoOptions,
  now: () => Date = () => new Date(),
): OpenIdTokenIssuer {
  const duration = options.tokenDurationSeconds ?? 900;
  const client = new CognitoIdentityClient({
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    ...(options.extraCaCertificates
      ? {
          requestHandler: new NodeHttpHandler({
            httpsAgent: new Agent({ keepAlive: true, ca: [...rootCertificates, ...options.extraCaCertificates] }),
          }),
        }
      : {}),
  });
  return {
    async issue(userId) {
      const requestedAt = now();
      let out;
      try {
        out = await client.send(
          new GetOpenIdTokenForDeveloperIdentityCommand({
            IdentityPoolId: options.identityPoolId,
            Logins: { [options.developerProviderName]: userId },
            TokenDuration: duration,
          }),
        );
      } catch (error) {
        // The name only: SDK errors can carry request details we do not want in logs or replies.
        throw new UpstreamError(`GetOpenIdTokenForDeveloperIdentity failed: ${(error as Error).name}`);
      }
      if (!out.IdentityId || !out.Token)
        throw new UpstreamError('GetOpenIdTokenForDeveloperIdentity returned no token');
      return {
        identityId: out.IdentityId,
        token: out.Token,
        expiresAt: tokenExpiry(out.Token, new Date(requestedAt.getTime() + duration * 1000)),
      };
    },
    destroy() {
      client.destroy();
    },
  };
}

/** The token's own `exp`, or the requested lifetime if it cannot be read. */
function tokenExpiry(token: string, fallback: Date): Date {
  try {
    const { exp } = decodeJwt(token);
    return typeof exp === 'number' ? new Date(exp * 1000) : fallback;
  } catch {
    return fallback;
  }
}
