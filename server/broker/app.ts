// The broker's HTTP API (docs/ARCHITECTURE.md, Contracts: broker HTTP API) as a plain request listener,
// so tests and other hosts can serve it.
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { z } from 'zod';
import { UpstreamError } from './cognito.js';
import { HttpError, bearerToken, clientAddress, readJsonBody, sendJson } from './http.js';
import type { Logger } from './logger.js';
import { InvalidCredentialsError, InvalidRefreshTokenError, RateLimitedError, type SessionService } from './sessions.js';

export const signInBody = z.object({
  username: z.string().min(1).max(128),
  password: z.string().min(1).max(1024),
});

export const refreshBody = z.object({
  refreshToken: z.string().min(1).max(512),
});

export interface BrokerAppDeps {
  sessions: SessionService;
  logger: Logger;
  /** Take the client address from X-Forwarded-For (only behind a proxy that sets it). */
  trustProxy?: boolean;
}

type Route = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export function createBrokerApp(deps: BrokerAppDeps): RequestListener {
  const { sessions } = deps;
  const routes: Record<string, Partial<Record<string, Route>>> = {
    '/healthz': {
      GET: async (_req, res) => sendJson(res, 200, { status: 'ok' }),
    },
    '/v1/sessions': {
      POST: async (req, res) => {
        const body = parse(signInBody, await readJsonBody(req));
        sendJson(res, 201, await sessions.signIn(body.username, body.password, clientAddress(req, deps.trustProxy ?? false)));
      },
    },
    '/v1/sessions/refresh': {
      POST: async (req, res) => {
        const body = parse(refreshBody, await readJsonBody(req));
        sendJson(res, 200, await sessions.refresh(body.refreshToken));
      },
    },
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
        throw methods ? new HttpError(405, 'method_not_allowed', { allow: Object.keys(methods).join(', ') }) : new HttpError(404, 'not_found');
      });
    run(req, res).catch((error: unknown) => {
      const failure = toHttpError(error, deps.logger);
      if (res.headersSent) {
        res.destroy();
        return;
      }
      // Unread request bodies must not hold the connection open.
      if (!req.readableEnded) res.setHeader('connection', 'close');
      sendJson(res, failure.status, { error: failure.code }, failure.headers);
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
  if (error instanceof RateLimitedError) return new HttpError(429, 'rate_limited', { 'retry-after': String(error.retryAfterSeconds) });
  if (error instanceof UpstreamError) {
    logger.error('upstream_failed', { message: error.message });
    return new HttpError(503, 'upstream_unavailable', { 'retry-after': '5' });
  }
  logger.error('internal_error', { name: error instanceof Error ? error.name : typeof error });
  return new HttpError(500, 'internal_error');
}
