// Cognito calls made with a user's temporary credentials are confined by the role policy, as in AWS:
// the deployed policy grants no cognito-identity action, so such a call is refused (docs/ARCHITECTURE.md,
// Contracts: role policy).
import type { CloudSettings, Principal } from '../auth/types.js';
import { isAllowed } from '../iam/index.js';
import { CognitoError } from './errors.js';

export function identityPoolArn(settings: CloudSettings, poolId: string): string {
  return `arn:aws:cognito-identity:${settings.region}:${settings.accountId}:identitypool/${poolId}`;
}

/** IAM decides on the pool the request names (as AWS does, before the request itself is validated). */
export function authorizeCognitoCall(
  principal: Principal,
  action: string,
  settings: CloudSettings,
  body: unknown,
): void {
  if (principal.kind !== 'identity') return; // admin and developer keys belong to the pool's owner
  const requested = (body as { IdentityPoolId?: unknown } | null)?.IdentityPoolId;
  const resource = identityPoolArn(settings, typeof requested === 'string' ? requested : settings.identityPoolId);
  const allowed = isAllowed(settings.rolePolicy, {
    action,
    resource,
    variables: { 'cognito-identity.amazonaws.com:sub': principal.identityId },
  });
  if (!allowed) {
    throw new CognitoError(
      'AccessDeniedException',
      400,
      `User: ${principal.identityId} is not authorized to perform: ${action} on resource: ${resource}`,
    );
  }
}
