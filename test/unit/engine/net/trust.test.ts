// The trust rules as pure functions of URLs (docs/ARCHITECTURE.md, Trust rules).
import { describe, expect, it } from 'vitest';
import {
  checkBrokerUrl,
  isLoopbackUrl,
  sameBroker,
  trustedEndpoints,
  UntrustedBrokerError,
} from '../../../../electron/engine/net/trust.js';

describe('isLoopbackUrl', () => {
  it.each([
    'http://127.0.0.1:9/',
    'http://127.255.0.7/',
    'http://127.1/', // the URL parser spells it 127.0.0.1
    'http://0x7f000001/',
    'http://localhost:8080/',
    'http://LOCALHOST./',
    'http://[::1]:3000/',
    'http://[0:0:0:0:0:0:0:1]/',
    'http://[::ffff:127.0.0.1]/',
  ])('%s is this computer', (url) => expect(isLoopbackUrl(new URL(url))).toBe(true));

  it.each([
    'http://10.255.255.1:9/',
    'http://128.0.0.1/',
    'http://192.168.1.10/',
    'http://[::2]/',
    'http://[::ffff:10.0.0.1]/',
    'http://localhost.example.com/',
    'http://127.0.0.1.nip.io/', // a name that resolves to loopback is still a name: not trusted
    'http://vm/',
    'http://0.0.0.0/',
  ])('%s is not', (url) => expect(isLoopbackUrl(new URL(url))).toBe(false));
});

describe('checkBrokerUrl', () => {
  it.each([
    'https://sign-in.example.com',
    'https://10.0.0.5:8443/base',
    'http://127.0.0.1:4000',
    'http://localhost:4000/',
    'http://[::1]:4000',
  ])('accepts %s', (url) => {
    expect(() => checkBrokerUrl(url)).not.toThrow();
  });

  it('refuses http off this computer, saying why and what to use', () => {
    expect(() => checkBrokerUrl('http://10.255.255.1:9/')).toThrow(
      'Hoist refuses to sign in at http://10.255.255.1:9: a sign-in service that is not on this computer must use https, because over http your ' +
        'password and session would cross the network unencrypted. Use https://10.255.255.1:9.',
    );
    expect(() => checkBrokerUrl('http://sign-in.example.com/hoist')).toThrow('Use https://sign-in.example.com/hoist.');
  });

  it.each([
    ['ftp://127.0.0.1/', 'ftp: is not a protocol Hoist signs in over'],
    ['file:///etc/passwd', 'file: is not a protocol Hoist signs in over'],
    ['not a url', 'not a url is not a URL'],
    ['https://user:secret@sign-in.example.com/', 'must not carry a user name or password'],
  ])('refuses %s', (url, message) => {
    expect(() => checkBrokerUrl(url)).toThrow(UntrustedBrokerError);
    expect(() => checkBrokerUrl(url)).toThrow(message);
  });
});

describe('trustedEndpoints', () => {
  const local = { cognitoIdentity: 'http://127.0.0.1:5001', s3: 'http://127.0.0.1:5002' };

  it('honours endpoints when the broker and both endpoints are loopback', () => {
    expect(trustedEndpoints('http://127.0.0.1:5000', local)).toEqual(local);
    expect(
      trustedEndpoints('https://localhost:5000', { cognitoIdentity: 'https://[::1]:1', s3: 'http://localhost:2' }),
    ).toBeDefined();
  });

  it('drops them when the broker is not loopback', () => {
    expect(trustedEndpoints('https://sign-in.example.com', local)).toBeUndefined();
  });

  it('drops them when either endpoint is not loopback', () => {
    expect(trustedEndpoints('http://127.0.0.1:5000', { ...local, s3: 'https://s3.evil.example' })).toBeUndefined();
    expect(trustedEndpoints('http://127.0.0.1:5000', { ...local, cognitoIdentity: 'http://10.0.0.1' })).toBeUndefined();
    expect(trustedEndpoints('http://127.0.0.1:5000', { ...local, s3: 'file:///tmp/x' })).toBeUndefined();
  });

  it('is undefined when there are none', () => {
    expect(trustedEndpoints('http://127.0.0.1:5000', undefined)).toBeUndefined();
  });
});

describe('sameBroker', () => {
  it('compares the origin requests go to', () => {
    expect(sameBroker('https://a.example.com', 'https://a.example.com/')).toBe(true);
    expect(sameBroker('https://A.example.com:443/', 'https://a.example.com')).toBe(true);
    expect(sameBroker('https://a.example.com', 'http://a.example.com')).toBe(false);
    expect(sameBroker('http://127.0.0.1:1', 'http://127.0.0.1:2')).toBe(false);
  });
});
