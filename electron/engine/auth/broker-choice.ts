// Whether the sign-in service may change (docs/ARCHITECTURE.md, Trust rules): never in a pinned
// deployment, and while a session exists only when the person confirms outside the window.
import type { LoadedDeployment } from '../deployment/file.js';
import { checkBrokerUrl, sameBroker } from '../net/trust.js';
import { BrokerChangeError } from './errors.js';

export interface BrokerChange {
  from: string;
  to: string;
  username?: string;
}

export interface BrokerChangeRequest extends BrokerChange {
  /** Any state but signed out: there is a session to leave. */
  hasSession: boolean;
  deployment: LoadedDeployment | undefined;
  /** Asks the person; absent (headless, command line) a change is refused while there is a session. */
  confirm: ((change: BrokerChange) => Promise<boolean>) | undefined;
}

/** 'unchanged' when `to` is the current broker, 'approved' when it may change; throws with the reason otherwise. */
export async function approveBrokerChange(request: BrokerChangeRequest): Promise<'unchanged' | 'approved'> {
  const { from, to, username, deployment, confirm } = request;
  if (deployment) {
    if (sameBroker(to, from)) return 'unchanged';
    throw new BrokerChangeError(
      `The sign-in service is set by your organisation (${deployment.file}) and cannot be changed.`,
    );
  }
  checkBrokerUrl(to);
  if (sameBroker(to, from)) return 'unchanged';
  if (!request.hasSession) return 'approved';
  const who = username ? ` as ${username}` : '';
  if (!confirm) {
    throw new BrokerChangeError(
      `Hoist is signed in${who} at ${from}; the sign-in service cannot be changed from here while signed in. ` +
        `Sign out first, or restart Hoist with --broker ${to}.`,
    );
  }
  if (!(await confirm({ from, to, ...(username ? { username } : {}) })))
    throw new BrokerChangeError(`The change was not confirmed: Hoist stays signed in${who} at ${from}.`);
  return 'approved';
}
