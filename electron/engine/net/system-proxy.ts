// The operating system's proxy for one connection, used when neither Settings nor the environment
// names one. The OS's answer comes from a resolver in PAC form ("PROXY host:port; DIRECT"): the
// desktop app passes Electron's session.resolveProxy (system settings, PAC files and auto-detect, as
// Chromium applies them); the command line and the headless mode have none and go direct. Pure: the
// resolver is a parameter, so every answer can be tested without Electron.
import { ProxySettingError } from './errors.js';

/** The OS's proxy for a URL, in PAC form; Electron's session.resolveProxy. */
export type PacResolver = (url: string) => Promise<string>;

const WHAT_TO_DO = 'set an http:// proxy in Settings → Network or in HTTPS_PROXY';

/** The proxy the OS chooses for `target`, or undefined for a direct connection. */
export async function systemProxyFor(target: URL, resolve: PacResolver): Promise<URL | undefined> {
  let answer: string;
  try {
    answer = await resolve(target.toString());
  } catch (error) {
    // A PAC file that cannot be fetched or fails to run: going direct could be what the company forbids.
    const reason = error instanceof Error ? error.message : String(error);
    throw new ProxySettingError(
      `the system's proxy settings could not be applied to ${target.host} (${reason}): ${WHAT_TO_DO}`,
    );
  }
  return fromPacResult(answer, target.host);
}

/**
 * The first entry of a PAC answer that Hoist can use, in order: DIRECT → none, PROXY/HTTP → http://,
 * HTTPS → https://. Entries it cannot use (SOCKS, QUIC, malformed) are skipped as PAC's own fallback
 * would skip a proxy that fails; if nothing usable is left, the answer is refused with what it asked
 * for, rather than going direct where the settings never allowed it. Only the first usable proxy is
 * used: a pool keeps to one proxy.
 */
export function fromPacResult(answer: string, host = 'this address'): URL | undefined {
  const unusable: string[] = [];
  for (const raw of answer.split(';')) {
    const entry = raw.trim();
    if (!entry) continue;
    const [kind = '', hostPort, ...extra] = entry.split(/\s+/);
    const upper = kind.toUpperCase();
    if (upper === 'DIRECT' && hostPort === undefined) return undefined;
    const scheme = upper === 'PROXY' || upper === 'HTTP' ? 'http' : upper === 'HTTPS' ? 'https' : undefined;
    const proxy = scheme && hostPort && extra.length === 0 ? proxyUrl(scheme, hostPort) : undefined;
    if (proxy) return proxy;
    unusable.push(entry);
  }
  // Nothing at all: no proxy to go through (Chromium says DIRECT, but an empty answer means the same).
  if (unusable.length === 0) return undefined;
  const socks = unusable.some((entry) => /^SOCKS\d?\s/i.test(entry));
  throw new ProxySettingError(
    `the system's proxy settings send ${host} through ${unusable.join('; ')}, which Hoist cannot use (${
      socks ? 'SOCKS proxies are not supported' : 'it speaks to http:// and https:// proxies only'
    }): ${WHAT_TO_DO}`,
  );
}

/** `host:port` (or `[v6]:port`) as a proxy URL, or undefined when it is not one. */
function proxyUrl(scheme: string, hostPort: string): URL | undefined {
  if (/[/@?#\\]/.test(hostPort)) return undefined;
  try {
    const url = new URL(`${scheme}://${hostPort}`);
    return url.hostname ? url : undefined;
  } catch {
    return undefined;
  }
}
