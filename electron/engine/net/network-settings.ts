// The network settings as they may be stored: the proxy address without its password (which belongs
// in the keychain, never in settings.json), the CA file absolute and holding certificates. The engine's
// settings.update and `hoist config set` with no Hoist running both go through here, so both store
// the same thing and refuse the same values.
import path from 'node:path';
import type { Settings } from '../../common/contract.js';
import { trustedCas } from './ca-bundle.js';
import { parseProxyUrl } from './proxy.js';

/** The keychain account of the manual proxy's password. */
export const PROXY_PASSWORD_ACCOUNT = 'proxy-password';

type NetworkPatch = Partial<Pick<Settings, 'proxyUrl' | 'caFile'>>;

/** `patch` made storable, and the password that was typed into the proxy address (for the keychain). */
export async function storableNetworkSettings<T extends NetworkPatch>(
  patch: T,
): Promise<{ patch: T; proxyPassword?: string }> {
  const out: T = { ...patch };
  let proxyPassword: string | undefined;
  if (out.proxyUrl) {
    const url = parseProxyUrl(out.proxyUrl, 'The proxy address');
    if (url.password) {
      proxyPassword = decodeURIComponent(url.password);
      url.password = '';
      out.proxyUrl = url.toString();
    }
  }
  if (out.caFile) {
    out.caFile = path.resolve(out.caFile);
    await trustedCas({ env: {}, settingsFile: out.caFile }); // a missing or unreadable bundle is refused now
  }
  return { patch: out, ...(proxyPassword ? { proxyPassword } : {}) };
}
