// The Cognito Identity operations the local cloud serves. Each takes a validated request body and
// returns the response body; failures are CognitoErrors, shaped as the service sends them.
import type { CloudSettings, CredentialStore } from '../auth/types.js';
import { invalidParameter, notAuthorized, resourceConflict, resourceNotFound } from './errors.js';
import type { IdentityRegistry } from './identities.js';
import type * as schemas from './schemas.js';
import type { TokenService } from './tokens.js';
import type { z } from 'zod';

export const COGNITO_LOGIN = 'cognito-identity.amazonaws.com';
const DEFAULT_TOKEN_SECONDS = 900;

export interface CognitoContext {
  settings: CloudSettings;
  credentials: CredentialStore;
  identities: IdentityRegistry;
  tokens: TokenService;
}

export async function getOpenIdTokenForDeveloperIdentity(
  ctx: CognitoContext,
  input: z.infer<typeof schemas.getOpenIdTokenForDeveloperIdentity>,
): Promise<{ IdentityId: string; Token: string }> {
  requirePool(ctx, input.IdentityPoolId);
  const provider = ctx.settings.developerProviderName;
  const userId = input.Logins[provider];
  if (userId === undefined || Object.keys(input.Logins).length !== 1) {
    throw invalidParameter(`Logins must hold exactly one login, for the developer provider '${provider}'.`);
  }
  const linked = ctx.identities.lookup(provider, userId);
  if (input.IdentityId !== undefined) {
    if (linked !== undefined && linked !== input.IdentityId)
      throw resourceConflict('This developer user is linked to another identity.');
    if (linked === undefined && !ctx.identities.exists(input.IdentityId))
      throw resourceNotFound(`Identity '${input.IdentityId}' not found.`);
  }
  const identityId = ctx.identities.identityFor(provider, userId, input.IdentityId);
  const token = await ctx.tokens.issue({
    identityId,
    provider,
    userId,
    durationSeconds: input.TokenDuration ?? DEFAULT_TOKEN_SECONDS,
  });
  return { IdentityId: identityId, Token: token };
}

export async function getCredentialsForIdentity(
  ctx: CognitoContext,
  input: z.infer<typeof schemas.getCredentialsForIdentity>,
): Promise<{
  IdentityId: string;
  Credentials: { AccessKeyId: string; SecretKey: string; SessionToken: string; Expiration: number };
}> {
  if (input.CustomRoleArn !== undefined)
    throw invalidParameter('CustomRoleArn is not supported: the pool has one authenticated role.');
  if (!ctx.identities.exists(input.IdentityId)) throw resourceNotFound(`Identity '${input.IdentityId}' not found.`);
  const sub = await verifiedLogin(ctx, input.Logins);
  if (sub !== input.IdentityId) throw notAuthorized('Invalid login token. The token was issued to another identity.');
  const issued = ctx.credentials.issueTemporary(input.IdentityId, ctx.settings.credentialLifetimeSeconds);
  return {
    IdentityId: input.IdentityId,
    Credentials: {
      AccessKeyId: issued.accessKeyId,
      SecretKey: issued.secretAccessKey,
      SessionToken: issued.sessionToken,
      // Epoch seconds as a JSON number: an ISO string breaks the SDK's parser (docs/ARCHITECTURE.md, AWS behaviour 5).
      Expiration: issued.expiration.getTime() / 1000,
    },
  };
}

export async function getId(
  ctx: CognitoContext,
  input: z.infer<typeof schemas.getId>,
): Promise<{ IdentityId: string }> {
  requirePool(ctx, input.IdentityPoolId);
  return { IdentityId: await verifiedLogin(ctx, input.Logins) };
}

/** The identity id of the pool's OpenID token in `Logins`; the pool allows no unauthenticated access. */
async function verifiedLogin(ctx: CognitoContext, logins: Record<string, string> | undefined): Promise<string> {
  const token = logins?.[COGNITO_LOGIN];
  if (token === undefined) throw notAuthorized('Unauthenticated access is not supported for this identity pool.');
  if (Object.keys(logins ?? {}).length !== 1) throw invalidParameter(`Logins may only hold '${COGNITO_LOGIN}'.`);
  return ctx.tokens.verify(token);
}

function requirePool(ctx: CognitoContext, poolId: string): void {
  if (poolId !== ctx.settings.identityPoolId) throw resourceNotFound(`IdentityPool '${poolId}' not found.`);
}
