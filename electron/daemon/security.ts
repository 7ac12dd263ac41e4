// The headless daemon's gatekeeping (docs/ARCHITECTURE.md, style rule 11), as small pure functions: the
// access token, the Host check against DNS rebinding, the Origin check against cross-site pages, and the
// response headers.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

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

/** The cookie name carries the port: cookies are shared by every port of a host, daemons must not clash. */
export function cookieName(port: number): string {
  return `hoist-${port}`;
}

export function tokenCookie(port: number, token: string): string {
  return `${cookieName(port)}=${token}; Path=/; HttpOnly; SameSite=Strict`;
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

/** Every token a request carries, in order: the ?token= query, a Bearer header, our cookie. */
export function presentedTokens(req: IncomingMessage, url: URL, port: number): string[] {
  const found: string[] = [];
  const query = url.searchParams.get('token');
  if (query !== null) found.push(query);
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) found.push(auth.slice(7));
  const wanted = cookieName(port);
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === wanted) found.push(part.slice(eq + 1).trim());
  }
  return found;
}

/**
 * The first token presented, in order query, Bearer, cookie, must match. The query comes first so a
 * fresh URL wins over a stale cookie left by an earlier daemon on the same port (and then replaces it).
 */
export function authorised(req: IncomingMessage, url: URL, port: number, token: string): boolean {
  return tokenMatches(presentedTokens(req, url, port)[0], token);
}
