// The broker's HTTP API (docs/ARCHITECTURE.md, Contracts: broker HTTP API) as a plain request listener,
// so tests and other hosts can serve it.
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { z } from 'zod';
import { UpstreamError } from './cognito.js';
import { HttpError, bearerToken, clientAddress, readJsonBody, sendJson } from './http.js';
import type { Logger } from './logger.js';
import { DeviceGrantError, NotAllowedError, OidcRejectedError, type OidcSignIn } from './oidc.js';
import {
  InvalidCredentialsError,
  InvalidRefreshTokenError,
  RateLimitedError,
  UserDisabledError,
  type Sessions,
} from './sessions.js';

export const signInBody = z.object({
  username: z.string().min(1).max(128),
  password: z.string().min(1).max(1024),
});

export const refreshBody = z.object({
  // Room for the stored tokens (43 characters) and the sealed ones of the stateless broker.
  refreshToken: z.string().min(1).max(1024),
});

export const oidcSignInBody = z.object({
  code: z.string().min(1).max(2048),
  codeVerifier: z.string().min(43).max(128),
  redirectUri: z.string().min(1).max(256),
  nonce: z.string().min(1).max(256),
  /** The `iss` of the authorization response, when the provider sends one (RFC 9207). */
  iss: z.string().min(1).max(2048).optional(),
});

export const devicePollBody = z.object({
  deviceCode: z.string().min(1).max(2048),
});

export interface BrokerAppDeps {
  sessions: Sessions;
  /** Sign-in through the company's OpenID provider; absent when not configured. */
  oidc?: OidcSignIn;
  /** Username and password sign-in (default on). */
  passwordSignIn?: boolean;
  logger: Logger;
  /** Take the client address from X-Forwarded-For (only behind a proxy that sets it). */
  trustProxy?: boolean;
}

type Route = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export function createBrokerApp(deps: BrokerAppDeps): RequestListener {
  const { sessions, oidc } = deps;
  const passwordSignIn = deps.passwordSignIn ?? true;
  const routes: Record<string, Partial<Record<string, Route>>> = {
    '/healthz': {
      GET: async (_req, res) => sendJson(res, 200, { status: 'ok' }),
    },
    '/v1/sign-in-methods': {
      GET: async (_req, res) =>
        sendJson(res, 200, { password: passwordSignIn, ...(oidc ? { oidc: await oidc.info() } : {}) }),
    },
    '/v1/sessions': {
      POST: async (req, res) => {
        if (!passwordSignIn) throw new HttpError(403, 'password_sign_in_disabled');
        const body = parse(signInBody, await readJsonBody(req));
        sendJson(
          res,
          201,
          await sessions.signIn(body.username, body.password, clientAddress(req, deps.trustProxy ?? false)),
        );
      },
    },
    '/v1/sessions/refresh': {
      POST: async (req, res) => {
        const body = parse(refreshBody, await readJsonBody(req));
        sendJson(res, 200, await sessions.refresh(body.refreshToken));
      },
    },
    ...(oidc
      ? {
          '/v1/sessions/oidc': {
            POST: async (req, res) => {
              const body = parse(oidcSignInBody, await readJsonBody(req));
              const { iss, ...rest } = body;
              const user = await oidc.redeemCode({ ...rest, ...(iss !== undefined ? { iss } : {}) });
              sendJson(res, 201, await sessions.signInExternal(user));
            },
          },
          '/v1/sessions/device': {
            POST: async (_req, res) => sendJson(res, 200, await oidc.startDevice()),
          },
          '/v1/sessions/device/poll': {
            POST: async (req, res) => {
              const body = parse(devicePollBody, await readJsonBody(req));
              sendJson(res, 201, await sessions.signInExternal(await oidc.pollDevice(body.deviceCode)));
            },
          },
        }
      : {}),
    '/v1/sessions/current': {
      DELETE: async (req, res) => {
        const token = bearerToken(req);
        if (!token) throw new HttpError(401, 'invalid_refresh_token', { 'www-authenticate': 'Bearer' });
        await sessions.signOut(token);
        sendJson(res, 204);
      },
    },
  };

  return (req, res) => {
    const path = new URL(req.url ?? '/', 'http://broker').pathname;
    const methods = Object.hasOwn(routes, path) ? routes[path] : undefined;
    const route = methods && Object.hasOwn(methods, req.method ?? '') ? methods[req.method ?? ''] : undefined;
    const run: Route =
      route ??
      (async () => {
        throw methods
          ? new HttpError(405, 'method_not_allowed', { allow: Object.keys(methods).join(', ') })
          : new HttpError(404, 'not_found');
      });
    run(req, res).catch((error: unknown) => {
      const failure = toHttpError(error, deps.logger);
      if (res.headersSent) {
        res.destroy();
        return;
      }
      // Unread request bodies must not hold the connection open.
      if (!req.readableEnded) res.setHeader('connection', 'close');
      sendJson(
        res,
        failure.status,
        { error: failure.code, ...(failure.message !== failure.code ? { message: failure.message } : {}) },
        failure.headers,
      );
    });
  };
}

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new HttpError(400, 'invalid_request');
  return result.data;
}

function toHttpError(error: unknown, logger: Logger): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof InvalidCredentialsError) return new HttpError(401, 'invalid_credentials');
  if (error instanceof InvalidRefreshTokenError) return new HttpError(401, 'invalid_refresh_token');
  if (error instanceof OidcRejectedError) {
    logger.info('oidc_rejected', { reason: error.message });
    return new HttpError(401, 'oidc_rejected', {}, `The organisation's sign-in was not accepted: ${error.message}.`);
  }
  if (error instanceof NotAllowedError || error instanceof UserDisabledError) {
    logger.info('oidc_not_allowed', { reason: error.message });
    return new HttpError(403, 'not_allowed');
  }
  if (error instanceof DeviceGrantError)
    return new HttpError(error.code === 'authorization_pending' ? 428 : 400, error.code);
  if (error instanceof RateLimitedError)
    return new HttpError(429, 'rate_limited', { 'retry-after': String(error.retryAfterSeconds) });
  if (error instanceof UpstreamError) {
    logger.error('upstream_failed', { message: error.message });
    return new HttpError(503, 'upstream_unavailable', { 'retry-after': '5' });
  }
  logger.error('internal_error', { name: error instanceof Error ? error.name : typeof error });
  return new HttpError(500, 'internal_error');
}
