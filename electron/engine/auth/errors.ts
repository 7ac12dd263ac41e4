// Errors the auth layer raises. The upload queue recognises them by `name` (it must not depend on
// this module's classes), so each name is part of the engine's internal contract.

/** Refresh is impossible (refresh token revoked or expired, user disabled): the user must sign in again. */
export class SignInRequiredError extends Error {
  override readonly name = 'SignInRequiredError';
}

/** The broker or Cognito cannot be reached right now; try again later. */
export class NetworkUnavailableError extends Error {
  override readonly name = 'NetworkUnavailableError';
}

/** Username or password refused by the broker. */
export class InvalidCredentialsError extends Error {
  override readonly name = 'InvalidCredentialsError';
  constructor() {
    super('The username or password is not correct.');
  }
}

/** The broker refused for now because of too many attempts. */
export class RateLimitedError extends Error {
  override readonly name = 'RateLimitedError';
  constructor(readonly retryAfterSeconds: number | undefined) {
    super(
      retryAfterSeconds
        ? `Too many sign-in attempts. Try again in ${retryAfterSeconds} seconds.`
        : 'Too many sign-in attempts. Try again in a minute.',
    );
  }
}

/** The broker answered something this client does not understand. */
export class BrokerProtocolError extends Error {
  override readonly name = 'BrokerProtocolError';
}

/** A browser or device sign-in that did not finish: cancelled, refused, expired, or its answer was forged. */
export class BrowserSignInError extends Error {
  override readonly name = 'BrowserSignInError';
}

/**
 * The broker answered for another region, identity pool or bucket than the deployment file pins.
 * A sign-in-required error, so uploads wait for a sign-in instead of retrying.
 */
export class DeploymentMismatchError extends SignInRequiredError {
  readonly code = 'deployment_mismatch';
}

/** A change of sign-in service that is not allowed here (pinned, or not confirmed by the user). */
export class BrokerChangeError extends Error {
  override readonly name = 'BrokerChangeError';
  readonly code = 'broker_change_refused';
}

/** A sign-in method the deployment file does not offer. */
export class SignInMethodError extends Error {
  override readonly name = 'SignInMethodError';
  readonly code = 'sign_in_method_not_offered';
}
