// Sign-in through the company's OpenID Connect provider (docs/ARCHITECTURE.md, Contracts: broker HTTP API).
// The broker redeems the authorization code or device code itself (SECURITY.md, "Signing in with the
// company's provider"): the provider's tokens never leave this module. Everything about the ID token —
// issuer, audience, signature from the provider's JWKS (refetched when a new key id appears), expiry,
// nonce — is checked by openid-client; this file only decides who may sign in and what they are called.
import { createHash } from 'node:crypto';
import * as oidc from 'openid-client';
import { trustingFetch } from '../common/trusting-fetch.js';
import { UpstreamError } from './cognito.js';

export interface OidcOptions {
  issuer: string;
  clientId: string;
  /** Present: the broker is a confidential client (client_secret_basic). Absent: public, PKCE only. */
  clientSecret?: string;
  scope?: string;
  /** Restrictions on who may sign in; each one given must hold. */
  allowedHostedDomain?: string;
  allowedTenantId?: string;
  /** A value that must be in the `groupClaim` claim (a string or an array of strings). */
  allowedGroup?: string;
  groupClaim?: string;
  /**
   * Authorities (PEM) trusted for the provider besides Node's roots: a provider with a private CA (the
   * local stack's --tls). Without it the defaults apply, NODE_EXTRA_CA_CERTS included.
   */
  extraCaCertificates?: string[];
}

/** What the client needs to start a browser sign-in (GET /v1/sign-in-methods). */
export interface OidcPublicInfo {
  issuer: string;
  clientId: string;
  authorizationEndpoint: string;
  scope: string;
  deviceAuthorization: boolean;
}

export interface DeviceStart {
  deviceCode: string;
  userCode: string;
  verificationUri: string;
  verificationUriComplete?: string;
  interval: number;
  expiresIn: number;
}

/** Who signed in: the developer user id Cognito maps to an identity, and a name to show. */
export interface OidcUser {
  userId: string;
  displayName: string;
}

/** The provider's answer was refused (bad code, bad token, wrong nonce, …): 401 oidc_rejected. */
export class OidcRejectedError extends Error {}
/** The person is who they say, but the company's restrictions leave them out: 403 not_allowed. */
export class NotAllowedError extends Error {}
/** Device grant states the client should act on (RFC 8628). */
export class DeviceGrantError extends Error {
  constructor(readonly code: 'authorization_pending' | 'slow_down' | 'expired_token' | 'access_denied') {
    super(code);
  }
}

export interface OidcSignIn {
  info(): Promise<OidcPublicInfo>;
  redeemCode(input: {
    code: string;
    codeVerifier: string;
    redirectUri: string;
    nonce: string;
    iss?: string;
  }): Promise<OidcUser>;
  startDevice(): Promise<DeviceStart>;
  pollDevice(deviceCode: string): Promise<OidcUser>;
}

/** The stable developer user id for a provider's subject: no personal data, within Cognito's limits. */
export function developerUserId(issuer: string, subject: string): string {
  return `oidc:${createHash('sha256').update(`${issuer}\n${subject}`, 'utf8').digest('base64url')}`;
}

/** Loopback redirect of a native app (RFC 8252): http://127.0.0.1:<port>/callback, nothing else. */
export function isLoopbackRedirect(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return (
    url.protocol === 'http:' &&
    (url.hostname === '127.0.0.1' || url.hostname === '[::1]') &&
    url.port !== '' &&
    url.pathname === '/callback' &&
    !url.search &&
    !url.hash
  );
}

function isLoopbackHost(url: URL): boolean {
  return url.hostname === '127.0.0.1' || url.hostname === '[::1]' || url.hostname === 'localhost';
}

export function createOidcSignIn(options: OidcOptions): OidcSignIn {
  const issuerUrl = new URL(options.issuer);
  if (issuerUrl.protocol !== 'https:' && !isLoopbackHost(issuerUrl))
    throw new Error('the OpenID issuer must be an https URL');
  const scope = options.scope ?? 'openid profile';
  let configuration: Promise<oidc.Configuration> | undefined;
  // openid-client keeps this fetch for every later request of the configuration (tokens, keys, device).
  const fetchWithCa = options.extraCaCertificates?.length ? trustingFetch(options.extraCaCertificates) : undefined;

  const config = (): Promise<oidc.Configuration> => {
    configuration ??= (async () => {
      const auth = options.clientSecret ? oidc.ClientSecretBasic(options.clientSecret) : oidc.None();
      const found = await oidc.discovery(issuerUrl, options.clientId, undefined, auth, {
        ...(issuerUrl.protocol === 'http:' ? { execute: [oidc.allowInsecureRequests] } : {}),
        ...(fetchWithCa ? { [oidc.customFetch]: fetchWithCa } : {}),
        timeout: 10,
      });
      // Check the ID token's signature too, not only the TLS channel it came over.
      oidc.enableNonRepudiationChecks(found);
      return found;
    })().catch((error: unknown) => {
      configuration = undefined; // try discovery again on the next request
      throw rejection(error, issuerUrl);
    });
    return configuration;
  };

  const userOf = (claims: oidc.IDToken | undefined): OidcUser => {
    if (!claims) throw new OidcRejectedError('the provider sent no ID token');
    checkAllowed(claims, options);
    const name = [claims.email, claims.preferred_username, claims.name].find(
      (v): v is string => typeof v === 'string' && v.length > 0,
    );
    return { userId: developerUserId(claims.iss, claims.sub), displayName: (name ?? claims.sub).slice(0, 256) };
  };

  return {
    async info() {
      const server = (await config()).serverMetadata();
      if (!server.authorization_endpoint) throw new Error('the OpenID provider has no authorization endpoint');
      return {
        issuer: server.issuer,
        clientId: options.clientId,
        authorizationEndpoint: server.authorization_endpoint,
        scope,
        deviceAuthorization: Boolean(server.device_authorization_endpoint),
      };
    },

    async redeemCode({ code, codeVerifier, redirectUri, nonce, iss }) {
      if (!isLoopbackRedirect(redirectUri)) throw new OidcRejectedError('the redirect URI is not a loopback callback');
      const current = new URL(redirectUri);
      current.searchParams.set('code', code);
      if (iss !== undefined) current.searchParams.set('iss', iss);
      let tokens;
      try {
        tokens = await oidc.authorizationCodeGrant(await config(), current, {
          pkceCodeVerifier: codeVerifier,
          expectedNonce: nonce,
          idTokenExpected: true,
        });
      } catch (error) {
        throw rejection(error, issuerUrl);
      }
      return userOf(tokens.claims());
    },

    async startDevice() {
      const c = await config();
      if (!c.serverMetadata().device_authorization_endpoint)
        throw new OidcRejectedError('the provider does not offer the device grant');
      let answer;
      try {
        answer = await oidc.initiateDeviceAuthorization(c, { scope });
      } catch (error) {
        throw rejection(error, issuerUrl);
      }
      return {
        deviceCode: answer.device_code,
        userCode: answer.user_code,
        verificationUri: answer.verification_uri,
        ...(answer.verification_uri_complete ? { verificationUriComplete: answer.verification_uri_complete } : {}),
        interval: answer.interval ?? 5,
        expiresIn: answer.expires_in,
      };
    },

    async pollDevice(deviceCode) {
      let tokens;
      try {
        tokens = await oidc.genericGrantRequest(await config(), 'urn:ietf:params:oauth:grant-type:device_code', {
          device_code: deviceCode,
        });
      } catch (error) {
        const code = error instanceof oidc.ResponseBodyError ? error.error : undefined;
        if (
          code === 'authorization_pending' ||
          code === 'slow_down' ||
          code === 'expired_token' ||
          code === 'access_denied'
        )
          throw new DeviceGrantError(code);
        throw rejection(error, issuerUrl);
      }
      return userOf(tokens.claims());
    },
  };
}

function checkAllowed(claims: oidc.IDToken, options: OidcOptions): void {
  if (options.allowedHostedDomain !== undefined && claims.hd !== options.allowedHostedDomain)
    throw new NotAllowedError('hosted domain not allowed');
  if (options.allowedTenantId !== undefined && claims.tid !== options.allowedTenantId)
    throw new NotAllowedError('tenant not allowed');
  if (options.allowedGroup !== undefined) {
    const value = claims[options.groupClaim ?? 'groups'];
    const groups = Array.isArray(value) ? value : [value];
    if (!groups.includes(options.allowedGroup)) throw new NotAllowedError('group not allowed');
  }
}

/** A refusal by the provider or by the checks; anything else (network, 5xx) stays an upstream failure. */
function rejection(error: unknown, issuer: URL): Error {
  // Checked first: openid-client wraps a failed connection as a ClientError, which would read as a refusal.
  const certificate = certificateProblem(error);
  if (certificate) {
    return new UpstreamError(
      `the certificate of the OpenID provider ${issuer.host} is not trusted (${certificate}): give the broker its CA (NODE_EXTRA_CA_CERTS)`,
    );
  }
  if (error instanceof oidc.ResponseBodyError && error.status < 500)
    return new OidcRejectedError(`the provider refused: ${error.error}`);
  if (error instanceof oidc.AuthorizationResponseError)
    return new OidcRejectedError(`the provider refused: ${error.error}`);
  if (
    error instanceof oidc.ClientError ||
    (error instanceof Error && /^OAUTH_|^ERR_JW[ST]_/.test(String((error as { code?: unknown }).code)))
  ) {
    // The library's own check says what failed (`unexpected JWT "aud" (audience) claim value`, …): no
    // token or secret is in it.
    const detail = error.cause instanceof Error ? error.cause.message : error.message;
    if ((error as { code?: unknown }).code === 'OAUTH_TIMEOUT') return new UpstreamError('OpenID provider timed out');
    return new OidcRejectedError(detail);
  }
  // Unreachable provider, a 5xx, a discovery failure: nothing the user did.
  return new UpstreamError(`OpenID provider failed: ${error instanceof Error ? error.name : typeof error}`);
}

/**
 * Node's TLS verification codes that mean "this certificate is not one we trust" (the app keeps the same
 * list in electron/engine/net/errors.ts; the broker is deployed without the app's code).
 */
const CERTIFICATE_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** The certificate error code somewhere in the cause chain (node:https, or undici's `cause`). */
function certificateProblem(error: unknown): string | undefined {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && CERTIFICATE_CODES.has(code)) return code;
  }
  return undefined;
}
