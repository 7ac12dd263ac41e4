// Broker configuration from environment variables (documented in server/infra/README.md). AWS credentials
// are not configured here: the SDK's standard chain finds them (env, profile, instance/task role).
import { z } from 'zod';
import {
  DEFAULT_REFRESH_TOKEN_LIFETIME_SECONDS,
  DEFAULT_STATELESS_REFRESH_TOKEN_LIFETIME_SECONDS,
  type BrokerOptions,
  type StatelessOptions,
} from './index.js';
import { parseSealKey } from './sealed-tokens.js';
import type { OidcOptions } from './oidc.js';

const positiveInt = z.coerce.number().int().positive();

const envSchema = z.object({
  HOIST_BROKER_HOST: z.string().default('127.0.0.1'),
  HOIST_BROKER_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOIST_BROKER_DB: z.string().min(1).optional(),
  HOIST_BROKER_SEAL_KEY: z.string().min(1).optional(),
  HOIST_BROKER_SEAL_KEYS_PREVIOUS: z.string().min(1).optional(),
  HOIST_SESSION_MAX_AGE_SECONDS: positiveInt.optional(),
  HOIST_REGION: z.string().min(1).optional(),
  AWS_REGION: z.string().min(1).optional(),
  HOIST_IDENTITY_POOL_ID: z.string().min(1),
  HOIST_DEVELOPER_PROVIDER_NAME: z.string().min(1),
  HOIST_BUCKET: z.string().min(1),
  HOIST_TOKEN_DURATION_SECONDS: positiveInt.max(86_400).default(900),
  HOIST_REFRESH_TOKEN_LIFETIME_SECONDS: positiveInt.optional(),
  HOIST_REFRESH_TOKEN_MAX_AGE_SECONDS: positiveInt.default(90 * 24 * 3600),
  HOIST_COGNITO_ENDPOINT: z.url().optional(),
  HOIST_BROKER_TRUST_PROXY: z.enum(['true', 'false', '1', '0']).default('false'),
  HOIST_SIGN_IN_MAX_FAILURES_PER_USER: positiveInt.default(5),
  HOIST_SIGN_IN_MAX_FAILURES_PER_ADDRESS: positiveInt.default(20),
  HOIST_SIGN_IN_MAX_DELAY_SECONDS: positiveInt.default(300),
  HOIST_OIDC_ISSUER: z.url().optional(),
  HOIST_OIDC_CLIENT_ID: z.string().min(1).optional(),
  HOIST_OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  HOIST_OIDC_SCOPE: z.string().min(1).optional(),
  HOIST_OIDC_ALLOWED_HD: z.string().min(1).optional(),
  HOIST_OIDC_ALLOWED_TID: z.string().min(1).optional(),
  HOIST_OIDC_ALLOWED_GROUP: z.string().min(1).optional(),
  HOIST_OIDC_GROUP_CLAIM: z.string().min(1).optional(),
  HOIST_PASSWORD_SIGN_IN: z.enum(['true', 'false', '1', '0']).default('true'),
});

/** Stateless mode when a seal key is set. */
function statelessOptions(e: z.infer<typeof envSchema>): StatelessOptions | undefined {
  if (!e.HOIST_BROKER_SEAL_KEY) return undefined;
  return {
    sealKey: parseSealKey(e.HOIST_BROKER_SEAL_KEY),
    ...(e.HOIST_BROKER_SEAL_KEYS_PREVIOUS
      ? {
          previousSealKeys: e.HOIST_BROKER_SEAL_KEYS_PREVIOUS.split(',').map((k) =>
            parseSealKey(k, 'HOIST_BROKER_SEAL_KEYS_PREVIOUS'),
          ),
        }
      : {}),
    ...(e.HOIST_SESSION_MAX_AGE_SECONDS ? { sessionMaxAgeSeconds: e.HOIST_SESSION_MAX_AGE_SECONDS } : {}),
  };
}

/** The OpenID provider settings, or undefined when no issuer is set. */
function oidcOptions(e: z.infer<typeof envSchema>): OidcOptions | undefined {
  if (!e.HOIST_OIDC_ISSUER) {
    const stray = (
      [
        'HOIST_OIDC_CLIENT_ID',
        'HOIST_OIDC_CLIENT_SECRET',
        'HOIST_OIDC_ALLOWED_HD',
        'HOIST_OIDC_ALLOWED_TID',
        'HOIST_OIDC_ALLOWED_GROUP',
      ] as const
    ).filter((k) => e[k]);
    if (stray.length > 0)
      throw new Error(`invalid broker configuration: ${stray.join(', ')} set without HOIST_OIDC_ISSUER`);
    return undefined;
  }
  if (!e.HOIST_OIDC_CLIENT_ID)
    throw new Error('invalid broker configuration: HOIST_OIDC_CLIENT_ID (needed with HOIST_OIDC_ISSUER)');
  return {
    issuer: e.HOIST_OIDC_ISSUER,
    clientId: e.HOIST_OIDC_CLIENT_ID,
    ...(e.HOIST_OIDC_CLIENT_SECRET ? { clientSecret: e.HOIST_OIDC_CLIENT_SECRET } : {}),
    ...(e.HOIST_OIDC_SCOPE ? { scope: e.HOIST_OIDC_SCOPE } : {}),
    ...(e.HOIST_OIDC_ALLOWED_HD ? { allowedHostedDomain: e.HOIST_OIDC_ALLOWED_HD } : {}),
    ...(e.HOIST_OIDC_ALLOWED_TID ? { allowedTenantId: e.HOIST_OIDC_ALLOWED_TID } : {}),
    ...(e.HOIST_OIDC_ALLOWED_GROUP ? { allowedGroup: e.HOIST_OIDC_ALLOWED_GROUP } : {}),
    ...(e.HOIST_OIDC_GROUP_CLAIM ? { groupClaim: e.HOIST_OIDC_GROUP_CLAIM } : {}),
  };
}

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
  const oidc = oidcOptions(e);
  const stateless = statelessOptions(e);
  if (stateless && !oidc)
    throw new Error('invalid broker configuration: HOIST_BROKER_SEAL_KEY (stateless mode) needs HOIST_OIDC_ISSUER');
  if (!stateless && !e.HOIST_BROKER_DB)
    throw new Error(
      'invalid broker configuration: HOIST_BROKER_DB (or HOIST_BROKER_SEAL_KEY for the stateless OpenID-only mode)',
    );
  // Stateless: no user table, so no passwords, whatever HOIST_PASSWORD_SIGN_IN says by default.
  const passwordSignIn = !stateless && (e.HOIST_PASSWORD_SIGN_IN === 'true' || e.HOIST_PASSWORD_SIGN_IN === '1');
  if (!oidc && !passwordSignIn)
    throw new Error(
      'invalid broker configuration: HOIST_PASSWORD_SIGN_IN=false needs HOIST_OIDC_ISSUER (no way to sign in otherwise)',
    );
  return {
    host: e.HOIST_BROKER_HOST,
    port: e.HOIST_BROKER_PORT,
    ...(e.HOIST_BROKER_DB && !stateless ? { dbPath: e.HOIST_BROKER_DB } : {}),
    ...(stateless ? { stateless } : {}),
    bucket: e.HOIST_BUCKET,
    cognito: {
      region,
      identityPoolId: e.HOIST_IDENTITY_POOL_ID,
      developerProviderName: e.HOIST_DEVELOPER_PROVIDER_NAME,
      tokenDurationSeconds: e.HOIST_TOKEN_DURATION_SECONDS,
      ...(e.HOIST_COGNITO_ENDPOINT ? { endpoint: e.HOIST_COGNITO_ENDPOINT } : {}),
    },
    refreshTokenLifetimeSeconds:
      e.HOIST_REFRESH_TOKEN_LIFETIME_SECONDS ??
      (stateless ? DEFAULT_STATELESS_REFRESH_TOKEN_LIFETIME_SECONDS : DEFAULT_REFRESH_TOKEN_LIFETIME_SECONDS),
    refreshTokenMaxAgeSeconds: e.HOIST_REFRESH_TOKEN_MAX_AGE_SECONDS,
    rateLimit: {
      maxFailuresPerUsername: e.HOIST_SIGN_IN_MAX_FAILURES_PER_USER,
      maxFailuresPerAddress: e.HOIST_SIGN_IN_MAX_FAILURES_PER_ADDRESS,
      maxDelaySeconds: e.HOIST_SIGN_IN_MAX_DELAY_SECONDS,
    },
    trustProxy: e.HOIST_BROKER_TRUST_PROXY === 'true' || e.HOIST_BROKER_TRUST_PROXY === '1',
    ...(oidc ? { oidc } : {}),
    passwordSignIn,
  };
}
