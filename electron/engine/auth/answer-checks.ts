// What a deployment file and the trust rules allow of a sign-in: which methods are offered, and whether a
// broker's answer may be used (docs/ARCHITECTURE.md, Trust rules). Pure checks; the session decides what
// to do with a refusal.
import type { Session } from '../../common/contract.js';
import type { LoadedDeployment } from '../deployment/file.js';
import { trustedEndpoints } from '../net/trust.js';
import type { BrokerSession } from './broker-client.js';
import { DeploymentMismatchError, SignInMethodError } from './errors.js';

export type SignInMethod = 'password' | 'oidc';

/** True when the deployment (if any) offers this method. */
export function offers(deployment: LoadedDeployment | undefined, method: SignInMethod): boolean {
  const offered = deployment?.deployment.signIn;
  return !offered || offered.includes(method);
}

export function checkMethodOffered(deployment: LoadedDeployment | undefined, method: SignInMethod): void {
  if (offers(deployment, method)) return;
  throw new SignInMethodError(
    method === 'password'
      ? 'Your organisation signs in through its own identity provider: ' +
          'use "Sign in with your organisation" instead of a password.'
      : 'Your organisation signs in with a user name and password here, not through an identity provider.',
  );
}

/** A broker answer for another region, identity pool or bucket than the deployment pins is refused. */
export function checkPinnedAnswer(deployment: LoadedDeployment | undefined, session: BrokerSession): void {
  if (!deployment) return;
  const fields = ['region', 'identityPoolId', 'bucket'] as const;
  const wrong = fields.filter((field) => session[field] !== deployment.deployment[field]);
  if (wrong.length === 0) return;
  const said = wrong
    .map((field) => `${field} "${session[field]}" where ${deployment.file} pins "${deployment.deployment[field]}"`)
    .join(', ');
  throw new DeploymentMismatchError(
    `The sign-in service answered with ${said}. Hoist refused the session, so nothing is uploaded: ` +
      'ask your IT department to check the deployment.',
  );
}

/**
 * The answer with its endpoints only where the trust rules allow them; `dropped` says the broker named
 * endpoints that were left out (AWS's own are used instead).
 */
export function withTrustedEndpoints(
  brokerUrl: string,
  session: BrokerSession,
): { session: BrokerSession; dropped: boolean } {
  const endpoints = trustedEndpoints(brokerUrl, session.endpoints);
  const { endpoints: named, ...rest } = session;
  return { session: endpoints ? { ...rest, endpoints } : rest, dropped: named !== undefined && !endpoints };
}

/** What the window may know of the pinned configuration: what to show, never where or what to trust. */
export function deploymentView({ deployment }: LoadedDeployment): NonNullable<Session['deployment']> {
  return { ...(deployment.name ? { name: deployment.name } : {}), signIn: deployment.signIn ?? ['password'] };
}
