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
      cognito: { region: 'eu-west-1', identityPoolId: 'eu-west-1:abc', developerProviderName: 'login.example.com', tokenDurationSeconds: 900 },
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
    expect(() => brokerOptionsFromEnv({ ...base, HOIST_BUCKET: undefined, HOIST_TOKEN_DURATION_SECONDS: '90000' })).toThrow(
      /HOIST_BUCKET.*HOIST_TOKEN_DURATION_SECONDS|HOIST_TOKEN_DURATION_SECONDS.*HOIST_BUCKET/,
    );
  });
});
