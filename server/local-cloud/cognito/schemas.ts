// Request bodies of the operations we serve, as the SDK sends them (docs/ARCHITECTURE.md, AWS behaviour 5).
import { z } from 'zod';

const logins = z.record(z.string().min(1).max(128), z.string().min(1).max(50_000));
const identityId = z
  .string()
  .regex(/^[\w-]+:[0-9a-f-]+$/, 'IdentityId must look like <region>:<uuid>')
  .max(55);
const identityPoolId = z.string().min(1).max(55);

export const getOpenIdTokenForDeveloperIdentity = z.object({
  IdentityPoolId: identityPoolId,
  IdentityId: identityId.optional(),
  Logins: logins,
  PrincipalTags: z.record(z.string(), z.string()).optional(),
  TokenDuration: z.number().int().min(1).max(86_400).optional(),
});

export const getCredentialsForIdentity = z.object({
  IdentityId: identityId,
  Logins: logins.optional(),
  CustomRoleArn: z.string().optional(),
});

export const getId = z.object({
  IdentityPoolId: identityPoolId,
  AccountId: z.string().optional(),
  Logins: logins.optional(),
});
