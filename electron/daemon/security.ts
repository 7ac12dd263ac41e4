// The headless daemon's gatekeeping (docs/ARCHITECTURE.md, style rule 11), as small pure functions: the
// access token, the Host check against DNS rebinding, the Origin check against cross-site pages, and the
// response headers. The token never travels in a cookie or a query (electron/common/headless-token.ts):
// the WebSocket presents it as a subprotocol, staging uploads as a Bearer header; the static files of
// the window need none (they hold no secret) but still pass the Host check.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { rpcSubprotocol, tokenFragmentKey, tokenSubprotocolPrefix } from '../common/headless-token.js';

/** The policy of the meta tag in renderer/index.html (an e2e test keeps the two equal). */
export const pagePolicy =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self' ws://127.0.0.1:* ws://localhost:*; base-uri 'none'; form-action 'none'";

/** As a header the policy also forbids framing (browsers ignore frame-ancestors in a meta tag). */
export const contentSecurityPolicy = `${pagePolicy}; frame-ancestors 'none'`;

export const securityHeaders: Readonly<Record<string, string>> = {
  'Content-Security-Policy': contentSecurityPolicy,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

/** A fresh 32-byte token, URL-safe. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Constant-time comparison, so the token cannot be guessed a byte at a time. */
export function tokenMatches(candidate: string | undefined, token: string): boolean {
  if (candidate === undefined) return false;
  const a = Buffer.from(candidate);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The hosts a browser may use to reach us; anything else is a rebinding attempt or a mistake. */
export function allowedHosts(port: number): ReadonlySet<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
}

export function hostAllowed(req: IncomingMessage, port: number): boolean {
  const host = req.headers.host;
  return typeof host === 'string' && allowedHosts(port).has(host.toLowerCase());
}

/** The Origin must be our own: http:// plus the Host the request was sent to (already checked). */
export function originAllowed(req: IncomingMessage, port: number): boolean {
  const origin = req.headers.origin;
  const host = req.headers.host?.toLowerCase();
  return (
    typeof origin === 'string' &&
    host !== undefined &&
    allowedHosts(port).has(host) &&
    origin.toLowerCase() === `http://${host}`
  );
}

/** The subprotocols a WebSocket upgrade offers, in order. */
function offeredSubprotocols(req: IncomingMessage): string[] {
  const header = req.headers['sec-websocket-protocol'];
  if (typeof header !== 'string') return [];
  return header
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
}

/** A WebSocket upgrade is ours when it offers our subprotocol and the token's, exactly once. */
export function socketAuthorised(req: IncomingMessage, token: string): boolean {
  const offered = offeredSubprotocols(req);
  const tokens = offered.filter((p) => p.startsWith(tokenSubprotocolPrefix));
  return (
    offered.includes(rpcSubprotocol) &&
    tokens.length === 1 &&
    tokenMatches(tokens[0]!.slice(tokenSubprotocolPrefix.length), token)
  );
}

/** A staging upload is ours when its Authorization header is `Bearer <token>`. */
export function bearerAuthorised(req: IncomingMessage, token: string): boolean {
  const auth = req.headers.authorization;
  return typeof auth === 'string' && auth.startsWith('Bearer ') && tokenMatches(auth.slice(7), token);
}

/**
 * A token in the query is refused outright: a query reaches the server, its logs and the browser's
 * history, which is what the fragment avoids. Whoever sends one holds an old address or a wrong link.
 */
export function queryCarriesToken(url: URL): boolean {
  return url.searchParams.has(tokenFragmentKey);
}

export const queryTokenMessage =
  "This address carries Hoist's access token in its query, where servers and logs can see it. Open the address Hoist printed: its token comes after '#'.";
