// Cognito calls made with a user's temporary credentials are confined by the role policy, as in AWS:
// the deployed policy grants no cognito-identity action, so such a call is refused (DESIGN.md §4).
import type { CloudSettings, Principal } from '../auth/types.js';
import { isAllowed } from '../iam/index.js';
import { CognitoError } from './errors.js';

export function identityPoolArn(settings: CloudSettings): string {
  return `arn:aws:cognito-identity:${settings.region}:${settings.accountId}:identitypool/${settings.identityPoolId}`;
}

export function authorizeCognitoCall(principal: Principal, action: string, settings: CloudSettings): void {
  if (principal.kind !== 'identity') return; // admin and developer keys belong to the pool's owner
  const resource = identityPoolArn(settings);
  const allowed = isAllowed(settings.rolePolicy, {
    action,
    resource,
    variables: { 'cognito-identity.amazonaws.com:sub': principal.identityId },
  });
  if (!allowed) {
    throw new CognitoError('AccessDeniedException', 400, `User: ${principal.identityId} is not authorized to perform: ${action} on resource: ${resource}`);
  }
}
