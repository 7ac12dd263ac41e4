// Sign-in with a code confirmed on another device (OAuth 2.0 device grant, RFC 8628): the broker starts the
// grant and this side polls it until the person confirms, the code expires or the provider refuses. Same
// shape as the browser flow: `done` settles with the broker's session, `cancel` stops polling.
import type { BrokerClient, BrokerSession } from './broker-client.js';
import type { PendingSignIn } from './browser-sign-in.js';
import { BrowserSignInError, NetworkUnavailableError } from './errors.js';

export interface DeviceSignIn extends PendingSignIn {
  /** Where to confirm the code. */
  url: string;
  /** The same address with the code filled in, when the provider offers one. */
  urlWithCode?: string;
  userCode: string;
  /** Seconds the code stays valid. */
  expiresIn: number;
}

export async function startDeviceSignIn(
  broker: BrokerClient,
  options: { now?: () => number } = {},
): Promise<DeviceSignIn> {
  const now = options.now ?? Date.now;
  const start = await broker.startDevice();
  const deadline = now() + start.expiresIn * 1000;
  let intervalMs = start.interval * 1000;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const done = new Promise<BrokerSession>((resolve, reject) => {
    const poll = async (): Promise<void> => {
      if (stopped) return;
      if (now() >= deadline)
        return reject(new BrowserSignInError('The code expired before the sign-in was confirmed. Start again.'));
      try {
        const answer = await broker.pollDevice(start.deviceCode);
        if (stopped) return;
        if (answer.status === 'done') return resolve(answer.session);
        if (answer.status === 'slow_down') intervalMs += 5000; // as RFC 8628 asks
      } catch (error) {
        if (!(error instanceof NetworkUnavailableError)) return reject(error);
      }
      timer = setTimeout(() => void poll(), intervalMs);
    };
    timer = setTimeout(() => void poll(), intervalMs);
  });
  return {
    url: start.verificationUri,
    ...(start.verificationUriComplete ? { urlWithCode: start.verificationUriComplete } : {}),
    userCode: start.userCode,
    expiresIn: start.expiresIn,
    done,
    cancel() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
