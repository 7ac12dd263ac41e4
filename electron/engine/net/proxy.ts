// Which proxy, if any, a connection goes through. In order: the manual proxy from Settings, then
// HTTPS_PROXY / HTTP_PROXY (either case, lower case first, as curl), then the operating system's
// choice (system-proxy.ts: the desktop app passes Electron's resolver, PAC and auto-detect included).
// NO_PROXY (either case) sends matching hosts direct whatever the source (no-proxy.ts has the rules).
import { ProxySettingError } from './errors.js';
import { bypassesProxy } from './no-proxy.js';
import { systemProxyFor, type PacResolver } from './system-proxy.js';

export { ProxySettingError } from './errors.js';

export interface ProxySources {
  env: Readonly<Record<string, string | undefined>>;
  /** The manual proxy URL from Settings, its password (from the keychain) already in it. */
  manual?: () => Promise<string | undefined>;
  /** The OS's answer for a URL in PAC form ("PROXY host:port; DIRECT"); Electron's session.resolveProxy. */
  system?: PacResolver;
}

/** The proxy for `target`, or undefined for a direct connection. */
export async function proxyFor(target: URL, sources: ProxySources): Promise<URL | undefined> {
  if (bypassesProxy(target, envValue(sources.env, 'no_proxy'))) return undefined;
  const manual = await sources.manual?.();
  if (manual) return parseProxyUrl(manual, 'the proxy in Settings');
  const envName = target.protocol === 'https:' ? 'https_proxy' : 'http_proxy';
  const fromEnv = envValue(sources.env, envName);
  if (fromEnv) return parseProxyUrl(fromEnv, envName.toUpperCase());
  if (sources.system) return systemProxyFor(target, sources.system);
  return undefined;
}

function envValue(env: ProxySources['env'], lowerName: string): string | undefined {
  // An empty variable counts as unset, as curl reads them.
  return env[lowerName]?.trim() || env[lowerName.toUpperCase()]?.trim() || undefined;
}

/** An http:// or https:// proxy URL; a bare `host:port` means http://, as curl reads it. */
export function parseProxyUrl(text: string, source: string): URL {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new ProxySettingError(`${source} is not a proxy address Hoist understands: use http://host:port.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ProxySettingError(
      `${source} uses ${url.protocol.replace(/:$/, '')}://: Hoist works through http:// and https:// proxies only.`,
    );
  }
  return url;
}
