// Which connections go through which proxy: NO_PROXY's matching rules and the order of the sources
// (the system's PAC answers: system-proxy.test.ts).
import { describe, expect, it } from 'vitest';
import { bypassesProxy } from '../../../../electron/engine/net/no-proxy.js';
import { proxyFor } from '../../../../electron/engine/net/proxy.js';

const url = (u: string) => new URL(u);

describe('NO_PROXY', () => {
  it.each([
    ['*', 'https://s3.eu-west-1.amazonaws.com/', true],
    ['amazonaws.com', 'https://s3.eu-west-1.amazonaws.com/', true],
    ['.amazonaws.com', 'https://s3.eu-west-1.amazonaws.com/', true],
    ['*.amazonaws.com', 'https://s3.eu-west-1.amazonaws.com/', true],
    ['amazonaws.com', 'https://amazonaws.com/', true],
    ['amazonaws.com', 'https://notamazonaws.com/', false],
    ['example.com', 'https://s3.amazonaws.com/', false],
    ['EXAMPLE.com', 'https://www.example.COM/', true],
    ['example.com:8443', 'https://example.com:8443/', true],
    ['example.com:8443', 'https://example.com/', false],
    ['example.com:443', 'https://example.com/', true],
    ['127.0.0.1', 'http://127.0.0.1:4000/', true],
    ['127.0.0.1:4000', 'http://127.0.0.1:4001/', false],
    ['127.0.0.2', 'http://127.0.0.1:4000/', false],
    ['10.0.0.0/8', 'http://10.20.30.40/', true],
    ['10.0.0.0/8', 'http://11.0.0.1/', false],
    ['::1', 'http://[::1]:8080/', true],
    ['[::1]:8080', 'http://[::1]:8080/', true],
    ['[::1]:8080', 'http://[::1]:9090/', false],
    ['fd00::/8', 'http://[fd12::1]/', true],
    ['localhost', 'http://127.0.0.1/', false],
    ['a.com, b.com  c.com', 'https://x.c.com/', true],
    ['', 'https://example.com/', false],
  ])('%j for %s → %s', (noProxy, target, expected) => {
    expect(bypassesProxy(url(target), noProxy)).toBe(expected);
  });

  it('does not bypass loopback unless it is listed (as curl)', () => {
    expect(bypassesProxy(url('http://127.0.0.1:9000/'), 'example.com')).toBe(false);
    expect(bypassesProxy(url('http://localhost:9000/'), undefined)).toBe(false);
  });
});

describe('proxyFor', () => {
  it('takes https_proxy for https and http_proxy for http, lower case first, empty counting as unset', async () => {
    const env = {
      https_proxy: '',
      HTTPS_PROXY: 'http://upper:3128',
      http_proxy: 'lower:8080',
      HTTP_PROXY: 'http://ignored:1',
    };
    expect((await proxyFor(url('https://s3.amazonaws.com/'), { env }))?.href).toBe('http://upper:3128/');
    expect((await proxyFor(url('http://127.0.0.1:9/'), { env }))?.href).toBe('http://lower:8080/');
  });

  it('prefers the manual proxy, then the environment, then the system, and NO_PROXY wins over all', async () => {
    const system = async () => 'PROXY system:8080';
    const manual = async () => 'http://manual:3128';
    const target = url('https://broker.example.com/');
    expect((await proxyFor(target, { env: { HTTPS_PROXY: 'http://env:1' }, manual, system }))?.host).toBe(
      'manual:3128',
    );
    expect((await proxyFor(target, { env: { HTTPS_PROXY: 'http://env:1' }, system }))?.host).toBe('env:1');
    expect((await proxyFor(target, { env: {}, system }))?.host).toBe('system:8080');
    expect(await proxyFor(target, { env: { NO_PROXY: '.example.com' }, manual, system })).toBeUndefined();
  });

  it('refuses a proxy scheme the agents cannot speak, naming where it came from', async () => {
    await expect(proxyFor(url('https://x.com/'), { env: { HTTPS_PROXY: 'socks5://p:1080' } })).rejects.toThrow(
      /HTTPS_PROXY uses socks5:\/\//,
    );
  });
});
