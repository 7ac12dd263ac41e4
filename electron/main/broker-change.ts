// The one confirmation the window cannot give for the user: leaving the current session for another
// sign-in service. Asked in a native dialog of the main process, with "Cancel" the default, so a
// compromised renderer calling session.setBroker cannot move a signed-in app elsewhere.
import type { BrowserWindow } from 'electron';
import { confirm } from './confirm.js';
import type { BrokerChange } from '../engine/auth/broker-choice.js';

export async function confirmBrokerChange(change: BrokerChange, window: BrowserWindow | undefined): Promise<boolean> {
  return confirm(
    {
      type: 'warning',
      title: 'Change sign-in service',
      message: `Sign out${change.username ? ` ${change.username}` : ''} and use another sign-in service?`,
      detail: `Hoist is signed in at ${change.from}. Your password and files would go to ${change.to} from now on. Only continue if you asked for this.`,
      safe: 'Cancel',
      risky: 'Sign out and change',
    },
    window,
  );
}
