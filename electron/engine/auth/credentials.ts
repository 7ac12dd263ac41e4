// Temporary AWS credentials for the signed-in identity: GetCredentialsForIdentity with the broker's
// OpenID token, through the SDK's own provider (fromCognitoIdentity) and the SDK's memoize, which
// shares one in-flight fetch between concurrent callers and refreshes ahead of expiry.
import { fromCognitoIdentity } from '@aws-sdk/credential-providers';
import { memoize } from '@smithy/core/config';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { NetworkUnavailableError, SignInRequiredError } from './errors.js';
import type { Identity, SessionManager } from './session.js';
import type { Logger } from '../platform/log.js';
import { createNetwork, type Network } from '../net/index.js';

export interface CognitoCredentials {
  provider: AwsCredentialIdentityProvider;
  /** Drop the cached credentials and fetch new ones (after S3 answered ExpiredToken). */
  refresh(): Promise<void>;
}

const cognitoLogin = 'cognito-identity.amazonaws.com';
/** Refresh when less than this is left, or half the lifetime for short-lived credentials. */
const refreshMarginMs = 5 * 60_000;

export function createCognitoCredentials(
  identity: Identity,
  session: SessionManager,
  log: Logger,
  now: () => number = Date.now,
  network: Network = createNetwork(),
): CognitoCredentials {
  let forceToken = false;
  const endpoint = identity.endpoints?.cognitoIdentity ?? `https://cognito-identity.${identity.region}.amazonaws.com`;
  const fetchOnce = fromCognitoIdentity({
    identityId: identity.identityId,
    logins: {
      [cognitoLogin]: () => {
        const forceRefresh = forceToken;
        forceToken = false;
        return session.openIdToken({ forceRefresh });
      },
    },
    clientConfig: {
      region: identity.region,
      ...(identity.endpoints ? { endpoint: identity.endpoints.cognitoIdentity } : {}),
      maxAttempts: 2,
      requestHandler: network.sdkHandler(new URL(endpoint), {
        maxSockets: 4,
        connectionTimeout: 10_000,
        socketTimeout: 30_000,
      }),
    },
  });

  let issuedAt = 0;
  const fetchClassified = async (): Promise<AwsCredentialIdentity> => {
    try {
      const credentials = await fetchOnce();
      issuedAt = now();
      log.debug('aws credentials fetched', { expiresAt: credentials.expiration?.toISOString() });
      return credentials;
    } catch (error) {
      throw classify(error);
    }
  };

  const isExpired = (credentials: AwsCredentialIdentity): boolean => {
    if (!credentials.expiration) return false;
    const expiresAt = credentials.expiration.getTime();
    const margin = Math.min(refreshMarginMs, (expiresAt - issuedAt) / 2);
    return expiresAt - now() <= margin;
  };
  const memoized = memoize(fetchClassified, isExpired, (credentials) => credentials.expiration !== undefined);

  return {
    provider: (options) => memoized(options as never),
    async refresh() {
      // ExpiredToken from S3 with credentials we believed valid: the OpenID token may be stale too.
      forceToken = true;
      await memoized({ forceRefresh: true });
    },
  };
}

/** Cognito's answers, in the terms the upload queue acts on. */
function classify(error: unknown): Error {
  if (error instanceof SignInRequiredError || error instanceof NetworkUnavailableError) return error;
  const name = (error as { name?: string })?.name ?? '';
  if (name === 'NotAuthorizedException' || name === 'ResourceNotFoundException') {
    return new SignInRequiredError('Your sign-in is no longer accepted. Sign in to continue.');
  }
  const code = (error as { code?: string })?.code ?? '';
  if (
    /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EAI_AGAIN|ENOTFOUND|EPIPE|EHOSTUNREACH|ENETUNREACH)$/.test(code) ||
    name === 'TimeoutError' ||
    (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode === 503
  ) {
    return new NetworkUnavailableError('The AWS sign-in service cannot be reached right now.');
  }
  return error instanceof Error ? error : new Error(String(error));
}
