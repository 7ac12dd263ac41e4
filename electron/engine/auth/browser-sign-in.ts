// Sign-in in the system browser (OAuth 2.0 for native apps): this side makes the PKCE verifier, `state`
// and `nonce`, opens the organisation's authorization page with a loopback redirect, checks `state` on
// the way back, and hands the code to the broker, which redeems it and verifies the ID token
// (SECURITY.md, "Signing in with the organisation's provider"). No provider token ever reaches this process.
import { calculatePKCECodeChallenge, randomNonce, randomPKCECodeVerifier, randomState } from 'openid-client';
import type { BrokerClient, BrokerSession } from './broker-client.js';
import { BrowserSignInError } from './errors.js';
import { startLoopbackListener } from './loopback-listener.js';

/** A sign-in finished outside this process (a browser, another device): what the session waits on. */
export interface PendingSignIn {
  /** The broker's session once the person finished and the broker accepted the proof. */
  done: Promise<BrokerSession>;
  /** Stops waiting (another sign-in started, or the engine is closing). */
  cancel(): void;
}

export interface BrowserSignIn extends PendingSignIn {
  /** The authorization address to open in the browser. */
  url: string;
}

/** How long a browser sign-in may take before the loopback listener gives up. */
export const BROWSER_SIGN_IN_TIMEOUT_MS = 10 * 60_000;

export async function startBrowserSignIn(
  broker: BrokerClient,
  options: { timeoutMs?: number } = {},
): Promise<BrowserSignIn> {
  const methods = await broker.signInMethods();
  if (!methods.oidc)
    throw new BrowserSignInError('This sign-in service does not offer sign-in with your organisation.');
  const codeVerifier = randomPKCECodeVerifier();
  const state = randomState();
  const nonce = randomNonce();
  const listener = await startLoopbackListener({
    expectedState: state,
    timeoutMs: options.timeoutMs ?? BROWSER_SIGN_IN_TIMEOUT_MS,
  });
  const url = new URL(methods.oidc.authorizationEndpoint);
  for (const [key, value] of Object.entries({
    response_type: 'code',
    client_id: methods.oidc.clientId,
    redirect_uri: listener.redirectUri,
    scope: methods.oidc.scope,
    state,
    nonce,
    code_challenge: await calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
  })) {
    url.searchParams.set(key, value);
  }
  let cancelled: ((error: Error) => void) | undefined;
  const cancel = new Promise<never>((_resolve, reject) => (cancelled = reject));
  cancel.catch(() => undefined);
  const done = Promise.race([
    listener.wait((answer) =>
      broker.signInWithCode({ ...answer, codeVerifier, redirectUri: listener.redirectUri, nonce }),
    ),
    cancel,
  ]);
  return {
    url: url.toString(),
    done,
    cancel() {
      listener.close();
      cancelled?.(new BrowserSignInError('The sign-in was replaced by another one.'));
    },
  };
}
