// NO_PROXY matching with the rules curl and most tools share: entries separated by commas or spaces,
// case-insensitive; `*` alone bypasses every proxy; `example.com`, `.example.com` and `*.example.com`
// match that domain and everything under it; `host:port` only that port; IP literals (IPv6 with or
// without brackets) exactly, and CIDR blocks (`10.0.0.0/8`). Loopback is NOT bypassed unless listed,
// as with curl: a proxy that must not see local traffic says so in NO_PROXY.
import { BlockList, isIP } from 'node:net';

/** True when a request to `url` must go direct according to `noProxy` (the NO_PROXY value). */
export function bypassesProxy(url: URL, noProxy: string | undefined): boolean {
  if (!noProxy) return false;
  const host = bareHost(url.hostname);
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  for (const raw of noProxy.split(/[\s,]+/)) {
    const entry = raw.trim().toLowerCase();
    if (entry === '') continue;
    if (entry === '*') return true;
    const { pattern, entryPort } = splitPort(entry);
    if (entryPort !== undefined && entryPort !== port) continue;
    if (matchesHost(host, pattern)) return true;
  }
  return false;
}

function matchesHost(host: string, pattern: string): boolean {
  if (pattern.includes('/')) return inCidr(host, pattern);
  const bare = bareHost(pattern);
  if (isIP(bare) || isIP(host)) return bare === host;
  const domain = bare.replace(/^\*?\./, '');
  if (domain === '') return false;
  return host === domain || host.endsWith(`.${domain}`);
}

function inCidr(host: string, cidr: string): boolean {
  const [base = '', bitsText = ''] = cidr.split('/');
  const family = isIP(bareHost(base));
  const bits = Number(bitsText);
  if (family === 0 || isIP(host) !== family || !Number.isInteger(bits)) return false;
  const list = new BlockList();
  try {
    list.addSubnet(bareHost(base), bits, family === 4 ? 'ipv4' : 'ipv6');
  } catch {
    return false;
  }
  return list.check(host, family === 4 ? 'ipv4' : 'ipv6');
}

/** `host:port`, `[v6]:port`, a bare IPv6 literal (its colons are not a port), or a CIDR block. */
function splitPort(entry: string): { pattern: string; entryPort?: string } {
  const bracketed = /^(\[[^\]]+\])(?::(\d+))?$/.exec(entry);
  if (bracketed) return { pattern: bracketed[1] as string, ...(bracketed[2] ? { entryPort: bracketed[2] } : {}) };
  if (isIP(entry.split('/')[0] ?? '') === 6) return { pattern: entry };
  const withPort = /^(.*):(\d+)$/.exec(entry);
  return withPort ? { pattern: withPort[1] as string, entryPort: withPort[2] as string } : { pattern: entry };
}

function bareHost(host: string): string {
  return host
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '');
}
