// Broker configuration from environment variables (documented in server/infra/README.md). AWS credentials
// are not configured here: the SDK's standard chain finds them (env, profile, instance/task role).
import { z } from 'zod';
import type { BrokerOptions } from './index.js';

const positiveInt = z.coerce.number().int().positive();

const envSchema = z.object({
  HOIST_BROKER_HOST: z.string().default('127.0.0.1'),
  HOIST_BROKER_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOIST_BROKER_DB: z.string().min(1),
  HOIST_REGION: z.string().min(1).optional(),
  AWS_REGION: z.string().min(1).optional(),
  HOIST_IDENTITY_POOL_ID: z.string().min(1),
  HOIST_DEVELOPER_PROVIDER_NAME: z.string().min(1),
  HOIST_BUCKET: z.string().min(1),
  HOIST_TOKEN_DURATION_SECONDS: positiveInt.max(86_400).default(900),
  HOIST_REFRESH_TOKEN_LIFETIME_SECONDS: positiveInt.default(30 * 24 * 3600),
  HOIST_REFRESH_TOKEN_MAX_AGE_SECONDS: positiveInt.default(90 * 24 * 3600),
  HOIST_COGNITO_ENDPOINT: z.url().optional(),
  HOIST_BROKER_TRUST_PROXY: z.enum(['true', 'false', '1', '0']).default('false'),
  HOIST_SIGN_IN_MAX_FAILURES_PER_USER: positiveInt.default(5),
  HOIST_SIGN_IN_MAX_FAILURES_PER_ADDRESS: positiveInt.default(20),
  HOIST_SIGN_IN_MAX_DELAY_SECONDS: positiveInt.default(300),
});

/** Options for startBroker from the environment; throws with the names of missing or invalid variables. */
export function brokerOptionsFromEnv(env: NodeJS.ProcessEnv): BrokerOptions {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const names = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.')))];
    throw new Error(`invalid broker configuration: ${names.join(', ')}`);
  }
  const e = parsed.data;
  const region = e.HOIST_REGION ?? e.AWS_REGION;
  if (!region) throw new Error('invalid broker configuration: HOIST_REGION (or AWS_REGION)');
  return {
    host: e.HOIST_BROKER_HOST,
    port: e.HOIST_BROKER_PORT,
    dbPath: e.HOIST_BROKER_DB,
    bucket: e.HOIST_BUCKET,
    cognito: {
      region,
      identityPoolId: e.HOIST_IDENTITY_POOL_ID,
      developerProviderName: e.HOIST_DEVELOPER_PROVIDER_NAME,
      tokenDurationSeconds: e.HOIST_TOKEN_DURATION_SECONDS,
      ...(e.HOIST_COGNITO_ENDPOINT ? { endpoint: e.HOIST_COGNITO_ENDPOINT } : {}),
    },
    refreshTokenLifetimeSeconds: e.HOIST_REFRESH_TOKEN_LIFETIME_SECONDS,
    refreshTokenMaxAgeSeconds: e.HOIST_REFRESH_TOKEN_MAX_AGE_SECONDS,
    rateLimit: {
      maxFailuresPerUsername: e.HOIST_SIGN_IN_MAX_FAILURES_PER_USER,
      maxFailuresPerAddress: e.HOIST_SIGN_IN_MAX_FAILURES_PER_ADDRESS,
      maxDelaySeconds: e.HOIST_SIGN_IN_MAX_DELAY_SECONDS,
    },
    trustProxy: e.HOIST_BROKER_TRUST_PROXY === 'true' || e.HOIST_BROKER_TRUST_PROXY === '1',
  };
}
