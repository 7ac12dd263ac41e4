// The operating system's proxy, decided from the PAC answers Electron's session.resolveProxy gives.
// Electron cannot run here (no display, no Electron binary in the test runs), so the resolver is a plain
// function answering what Chromium answers; the desktop app passes session.resolveProxy in its place
// (electron/main/index.ts) and adds nothing to it.
import { describe, expect, it } from 'vitest';
import { ProxySettingError } from '../../../../electron/engine/net/errors.js';
import { proxyFor } from '../../../../electron/engine/net/proxy.js';
import { fromPacResult, systemProxyFor } from '../../../../electron/engine/net/system-proxy.js';

const target = new URL('https://s3.eu-west-1.amazonaws.com/bucket/key');

describe('PAC answers from the system resolver', () => {
  it.each([
    ['DIRECT', undefined],
    ['PROXY proxy.corp:3128', 'http://proxy.corp:3128/'],
    ['PROXY proxy.corp:3128; DIRECT', 'http://proxy.corp:3128/'],
    ['PROXY first.corp:3128; PROXY second.corp:3128', 'http://first.corp:3128/'],
    ['HTTP plain.corp:8080', 'http://plain.corp:8080/'],
    ['HTTPS secure.corp:443', 'https://secure.corp/'],
    ['HTTPS secure.corp:8443; DIRECT', 'https://secure.corp:8443/'],
    ['proxy lower.corp:3128', 'http://lower.corp:3128/'],
    ['PROXY [fd00::1]:3128', 'http://[fd00::1]:3128/'],
    ['  PROXY  spaced.corp:3128 ;  DIRECT ', 'http://spaced.corp:3128/'],
    // PAC's own fallback: an entry Hoist cannot use is skipped like a proxy that failed.
    ['SOCKS5 socks.corp:1080; PROXY p.corp:8080', 'http://p.corp:8080/'],
    ['SOCKS socks.corp:1080; DIRECT', undefined],
    ['QUIC quic.corp:443; HTTPS secure.corp:443', 'https://secure.corp/'],
    ['', undefined],
  ])('%j → %s', (answer, expected) => {
    expect(fromPacResult(answer)?.href).toBe(expected);
  });

  it.each([
    [
      'SOCKS socks.corp:1080',
      /through SOCKS socks\.corp:1080, which Hoist cannot use \(SOCKS proxies are not supported\)/,
    ],
    ['SOCKS5 socks.corp:1080', /through SOCKS5 socks\.corp:1080, .*SOCKS proxies are not supported/],
    ['SOCKS4 a.corp:1080; SOCKS5 b.corp:1080', /through SOCKS4 a\.corp:1080; SOCKS5 b\.corp:1080, /],
    ['QUIC quic.corp:443', /through QUIC quic\.corp:443, .*http:\/\/ and https:\/\/ proxies only/],
    ['PROXY', /through PROXY, /],
    ['PROXY user@evil.corp:3128', /through PROXY user@evil\.corp:3128, /],
  ])('%j is refused with what it asked for and what to do instead', (answer, message) => {
    let error: unknown;
    try {
      fromPacResult(answer, 's3.eu-west-1.amazonaws.com');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ProxySettingError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toMatch(/^the system's proxy settings send s3\.eu-west-1\.amazonaws\.com /);
    expect((error as Error).message).toContain('set an http:// proxy in Settings → Network or in HTTPS_PROXY');
  });
});

describe('systemProxyFor', () => {
  it('asks the resolver about the whole target URL and follows its answer', async () => {
    const asked: string[] = [];
    const resolver = async (url: string) => {
      asked.push(url);
      return 'PROXY proxy.corp:3128; DIRECT';
    };
    expect((await systemProxyFor(target, resolver))?.href).toBe('http://proxy.corp:3128/');
    expect(asked).toEqual([target.href]);
  });

  it('refuses, naming the host, when the resolver fails (a PAC file that cannot be fetched)', async () => {
    const failing = async () => {
      throw new Error('net::ERR_PAC_SCRIPT_FAILED');
    };
    await expect(systemProxyFor(target, failing)).rejects.toThrow(
      "the system's proxy settings could not be applied to s3.eu-west-1.amazonaws.com (net::ERR_PAC_SCRIPT_FAILED): set an http:// proxy in Settings → Network or in HTTPS_PROXY",
    );
  });

  it('is asked only when neither Settings nor the environment names a proxy, and never for NO_PROXY hosts', async () => {
    let asked = 0;
    const system = async () => {
      asked++;
      return 'SOCKS5 socks.corp:1080';
    };
    expect((await proxyFor(target, { env: { HTTPS_PROXY: 'http://env.corp:3128' }, system }))?.host).toBe(
      'env.corp:3128',
    );
    expect(await proxyFor(target, { env: { NO_PROXY: 'amazonaws.com' }, system })).toBeUndefined();
    expect(asked).toBe(0);
    await expect(proxyFor(target, { env: {}, system })).rejects.toThrow(/SOCKS proxies are not supported/);
    expect(asked).toBe(1);
  });
});
