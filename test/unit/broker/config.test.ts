import { describe, expect, it } from 'vitest';
import { brokerOptionsFromEnv } from '../../../server/broker/config.js';

const base = {
  HOIST_BROKER_DB: '/tmp/b.db',
  HOIST_REGION: 'eu-west-1',
  HOIST_IDENTITY_POOL_ID: 'eu-west-1:abc',
  HOIST_DEVELOPER_PROVIDER_NAME: 'login.example.com',
  HOIST_BUCKET: 'bucket',
};

describe('broker configuration from the environment', () => {
  it('reads the AWS side and applies defaults, with no endpoint or credentials (standard chain)', () => {
    const options = brokerOptionsFromEnv(base);
    expect(options).toMatchObject({
      host: '127.0.0.1',
      port: 8080,
      dbPath: '/tmp/b.db',
      bucket: 'bucket',
      cognito: {
        region: 'eu-west-1',
        identityPoolId: 'eu-west-1:abc',
        developerProviderName: 'login.example.com',
        tokenDurationSeconds: 900,
      },
      refreshTokenLifetimeSeconds: 2_592_000,
      refreshTokenMaxAgeSeconds: 7_776_000,
      rateLimit: { maxFailuresPerUsername: 5, maxFailuresPerAddress: 20, maxDelaySeconds: 300 },
      trustProxy: false,
    });
    expect(options.cognito.endpoint).toBeUndefined();
    expect(options.cognito.credentials).toBeUndefined();
  });

  it('falls back to AWS_REGION', () => {
    const { HOIST_REGION: _, ...rest } = base;
    expect(brokerOptionsFromEnv({ ...rest, AWS_REGION: 'us-west-2' }).cognito.region).toBe('us-west-2');
  });

  it('names what is missing or invalid, without values', () => {
    expect(() =>
      brokerOptionsFromEnv({ ...base, HOIST_BUCKET: undefined, HOIST_TOKEN_DURATION_SECONDS: '90000' }),
    ).toThrow(/HOIST_BUCKET.*HOIST_TOKEN_DURATION_SECONDS|HOIST_TOKEN_DURATION_SECONDS.*HOIST_BUCKET/);
  });

  it('reads the OpenID provider, its restrictions, and password sign-in turned off', () => {
    const options = brokerOptionsFromEnv({
      ...base,
      HOIST_OIDC_ISSUER: 'https://login.example.com',
      HOIST_OIDC_CLIENT_ID: 'hoist',
      HOIST_OIDC_CLIENT_SECRET: 's3cret',
      HOIST_OIDC_ALLOWED_HD: 'example.com',
      HOIST_OIDC_ALLOWED_GROUP: 'hoist-users',
      HOIST_PASSWORD_SIGN_IN: 'false',
    });
    expect(options.oidc).toEqual({
      issuer: 'https://login.example.com',
      clientId: 'hoist',
      clientSecret: 's3cret',
      allowedHostedDomain: 'example.com',
      allowedGroup: 'hoist-users',
    });
    expect(options.passwordSignIn).toBe(false);
  });

  it('refuses settings that leave nobody able to sign in, or an OpenID setting without its issuer', () => {
    expect(() => brokerOptionsFromEnv({ ...base, HOIST_PASSWORD_SIGN_IN: 'false' })).toThrow(
      /HOIST_PASSWORD_SIGN_IN=false needs HOIST_OIDC_ISSUER/,
    );
    expect(() => brokerOptionsFromEnv({ ...base, HOIST_OIDC_CLIENT_ID: 'hoist' })).toThrow(
      /HOIST_OIDC_CLIENT_ID set without HOIST_OIDC_ISSUER/,
    );
    expect(() => brokerOptionsFromEnv({ ...base, HOIST_OIDC_ISSUER: 'https://login.example.com' })).toThrow(
      /HOIST_OIDC_CLIENT_ID/,
    );
  });

  it('selects the stateless mode with a seal key: no database, no passwords, short-lived tokens', () => {
    const { HOIST_BROKER_DB: _, ...rest } = base;
    const key = Buffer.alloc(32, 7).toString('base64url');
    const options = brokerOptionsFromEnv({
      ...rest,
      HOIST_BROKER_SEAL_KEY: key,
      HOIST_OIDC_ISSUER: 'https://login.example.com',
      HOIST_OIDC_CLIENT_ID: 'hoist',
    });
    expect(options.stateless?.sealKey).toEqual(new Uint8Array(Buffer.alloc(32, 7)));
    expect(options.dbPath).toBeUndefined();
    expect(options.passwordSignIn).toBe(false);
    expect(options.refreshTokenLifetimeSeconds).toBe(12 * 3600);
    expect(() => brokerOptionsFromEnv({ ...rest, HOIST_BROKER_SEAL_KEY: key })).toThrow(/needs HOIST_OIDC_ISSUER/);
    expect(() =>
      brokerOptionsFromEnv({
        ...rest,
        HOIST_BROKER_SEAL_KEY: Buffer.from('too short').toString('base64url'),
        HOIST_OIDC_ISSUER: 'https://l.example',
        HOIST_OIDC_CLIENT_ID: 'h',
      }),
    ).toThrow(/must be 32 bytes/);
    expect(() => brokerOptionsFromEnv(rest)).toThrow(/HOIST_BROKER_DB/);
  });
});
