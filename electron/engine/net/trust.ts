// Which servers the client trusts, decided from their URLs alone, before any connection
// (docs/ARCHITECTURE.md, Trust rules). A sign-in service off this computer must be https: over
// http the password, the refresh token and the OpenID token cross the network in the clear. The
// storage endpoints a broker names are followed only when the broker and those endpoints are all on
// this computer (local mode, tests); otherwise the client uses AWS's own endpoints for the region,
// so a broker cannot send uploads somewhere else.
import { BlockList, isIP } from 'node:net';

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

/** The broker URL breaks a trust rule. */
export class UntrustedBrokerError extends Error {
  override readonly name = 'UntrustedBrokerError';
  readonly code = 'untrusted_broker';
}

/**
 * Whether a URL's host is this computer by its spelling: 127.0.0.0/8, ::1 (also IPv4-mapped) or
 * "localhost". Names are not resolved: a DNS answer is not something the client can trust.
 */
export function isLoopbackUrl(url: URL): boolean {
  const host = url.hostname.toLowerCase().replace(/\.$/, '');
  if (host === 'localhost') return true;
  const address = host.startsWith('[') ? host.slice(1, -1) : host;
  const family = isIP(address);
  if (family === 0) return false;
  return loopback.check(address, family === 6 ? 'ipv6' : 'ipv4');
}

/** Refuses a broker URL that is not http(s), or is http on a host that is not this computer. */
export function checkBrokerUrl(brokerUrl: string): URL {
  let url: URL;
  try {
    url = new URL(brokerUrl);
  } catch {
    throw new UntrustedBrokerError(`${brokerUrl} is not a URL: give the sign-in service's https:// address.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new UntrustedBrokerError(
      `${url.protocol} is not a protocol Hoist signs in over: give the sign-in service's https:// address.`,
    );
  }
  if (url.username || url.password) {
    throw new UntrustedBrokerError('The sign-in service address must not carry a user name or password.');
  }
  if (url.protocol === 'http:' && !isLoopbackUrl(url)) {
    throw new UntrustedBrokerError(
      `Hoist refuses to sign in at ${url.origin}: a sign-in service that is not on this computer must use https, because over http your password ` +
        `and session would cross the network unencrypted. Use https://${url.host}${url.pathname === '/' ? '' : url.pathname}.`,
    );
  }
  return url;
}

export interface StorageEndpoints {
  cognitoIdentity: string;
  s3: string;
}

/**
 * The endpoints to use for a broker's answer: its own when the broker and every endpoint are on this
 * computer, otherwise none (AWS's endpoints for the region).
 */
export function trustedEndpoints(
  brokerUrl: string,
  endpoints: StorageEndpoints | undefined,
): StorageEndpoints | undefined {
  if (!endpoints) return undefined;
  const all = [brokerUrl, endpoints.cognitoIdentity, endpoints.s3];
  return all.every(isLoopbackString) ? endpoints : undefined;
}

function isLoopbackString(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && isLoopbackUrl(url);
  } catch {
    return false;
  }
}

/** Whether two broker URLs name the same service (requests go to absolute paths on its origin). */
export function sameBroker(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return a === b;
  }
}
