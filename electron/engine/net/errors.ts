// Network failures in words a user can act on: which proxy refused or asked for credentials, which
// host's certificate is not trusted and what to set. The original code stays on the error where the
// retry logic reads it (a proxy that cannot be reached is still ECONNREFUSED: wait for the network).

/** The proxy answered CONNECT with something other than 200 (407: credentials, 403: a filter). */
export class ProxyRefusedError extends Error {
  override name = 'ProxyRefused';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** A proxy setting (Settings, the environment, the system's) that Hoist cannot use, in words. */
export class ProxySettingError extends Error {
  override name = 'ProxySettingError';
}

/** The server's certificate did not verify against the trusted authorities. */
export class UntrustedCertificateError extends Error {
  override name = 'UntrustedCertificate';
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

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

const WHAT_TO_DO = "set HOIST_CA_BUNDLE (or the CA file in Settings) to your company's CA bundle";

/** The error of a connection to `target` (host:port), through `proxy` when one is used, explained. */
export function explainNetworkError(error: unknown, target: string, proxy: URL | undefined): unknown {
  if (!(error instanceof Error) || error instanceof ProxyRefusedError || error instanceof UntrustedCertificateError)
    return error;
  const code = (error as NodeJS.ErrnoException).code ?? '';
  if (CERTIFICATE_CODES.has(code)) {
    if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
      return new UntrustedCertificateError(
        `the certificate of ${target} is not valid now (${code}): check the computer's clock, or ask the server's owner`,
        code,
      );
    }
    if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
      return new UntrustedCertificateError(
        `the certificate of ${target} is for another name (${code}): check the address`,
        code,
      );
    }
    return new UntrustedCertificateError(`the certificate of ${target} is not trusted (${code}): ${WHAT_TO_DO}`, code);
  }
  const status = /^Bad response: (\d{3})$/.exec(error.message)?.[1];
  if (status && proxy) return proxyRefusal(Number(status), proxy, target);
  if (proxy && /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ETIMEDOUT)$/.test(code) && sameEndpoint(error, proxy)) {
    error.message = `the proxy at ${proxy.host} cannot be reached (${code})`;
  }
  return error;
}

function proxyRefusal(status: number, proxy: URL, target: string): ProxyRefusedError {
  const at = `the proxy at ${proxy.host}`;
  // Some proxies (tinyproxy) answer wrong credentials with 401 rather than 407.
  if (status === 407 || (status === 401 && proxy.username)) {
    const message = proxy.username
      ? `${at} refused the user name and password given for it (HTTP ${status})`
      : `${at} asked for credentials (HTTP 407): put them in the proxy address (http://user:password@${proxy.host}) or in Settings`;
    return new ProxyRefusedError(message, status);
  }
  return new ProxyRefusedError(`${at} refused the connection to ${target} (HTTP ${status})`, status);
}

function sameEndpoint(error: Error, proxy: URL): boolean {
  const { address, port, hostname } = error as { address?: string; port?: number; hostname?: string };
  const proxyPort = Number(proxy.port || (proxy.protocol === 'https:' ? 443 : 80));
  const proxyHost = proxy.hostname.replace(/^\[(.*)\]$/, '$1');
  return hostname === proxyHost || (port === proxyPort && (address === proxyHost || proxyHost === 'localhost'));
}
