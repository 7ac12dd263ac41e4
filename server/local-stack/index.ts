// The local stack: the local cloud (S3 + Cognito Identity stand-in) and the identity broker in front of it,
// both on 127.0.0.1, data kept in one folder. Used by `npm run local-stack`, by the app when no cloud is
// configured, and by tests. Depends on server/local-cloud and server/broker only.
import { mkdirSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { startBroker, type BrokerOptions, type Logger, type OidcOptions } from '../broker/index.js';
import { hashPassword, verifyPassword } from '../broker/passwords.js';
import { SqliteUserStore } from '../broker/sqlite-store.js';
import type { UserStore } from '../broker/store.js';
import { usernameSchema } from '../broker/usernames.js';
import { localServerTls } from '../common/tls-ca.js';
import { startLocalCloud, type LocalCloud } from '../local-cloud/index.js';
import { startLocalOidcProvider, type LocalOidcProvider } from './oidc-provider.js';

export interface LocalStackOptions {
  /** Everything is kept here: `cloud/` (buckets, identities, keys) and `broker.db` (users, sessions). */
  dataDir: string;
  /** The broker's port (default 0: any free port). The local cloud always takes a free port. */
  port?: number;
  /** Created if missing; an existing user's password is reset to this one. */
  users?: Array<{ username: string; password: string }>;
  /** Lifetime of GetCredentialsForIdentity credentials (default 3600, as Cognito). */
  credentialLifetimeSeconds?: number;
  /** Lifetime of the broker's OpenID tokens (default 900, as Cognito). */
  tokenLifetimeSeconds?: number;
  /** The S3 endpoint the broker tells clients to use (e.g. a proxy in front of the local cloud). */
  advertiseS3Endpoint?: string;
  /** The broker's and the local cloud's log (default: JSON lines on stderr). */
  logger?: Logger;
  /**
   * Serve everything (the local cloud, the broker, the OpenID provider) over HTTPS with certificates from a CA
   * kept in `<dataDir>/tls/` (ready file: caFile).
   */
  tls?: boolean;
  /** Run the local OpenID provider and let the broker use it (default true). */
  oidc?: boolean;
  /** Changes to the broker's OpenID settings (tests: a claim restriction, the public client). */
  brokerOidc?: Partial<OidcOptions>;
  /** Seconds the local cloud's clock is ahead of the computer's (negative: behind); see LocalCloudOptions. */
  clockOffsetSeconds?: number;
  /** Username and password sign-in at the broker (default on). */
  passwordSignIn?: boolean;
}

/** What `--ready-file` holds (docs/ARCHITECTURE.md, Contracts: local stack command and ready file). */
export interface LocalStackInfo {
  brokerUrl: string;
  s3Endpoint: string;
  cognitoEndpoint: string;
  region: string;
  bucket: string;
  identityPoolId: string;
  developerProviderName: string;
  adminCredentials: { accessKeyId: string; secretAccessKey: string };
  /** With --tls: the CA certificate (PEM file) that signed every server's certificate. */
  caFile?: string;
  /** The local OpenID provider (absent only when started with `oidc: false`, as the app's built-in cloud is). */
  oidcIssuer?: string;
}

export interface LocalStack extends LocalStackInfo {
  /** The local OpenID provider, for tests that need its clients or signing key. */
  oidcProvider?: LocalOidcProvider;
  /** The ready-file content: the info without close(). */
  info(): LocalStackInfo;
  /** The local cloud itself (request log, settings, lifecycle sweep) for tests and benchmarks. */
  cloud: LocalCloud;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';

/** How a broker reaches this local cloud's Cognito: its pool, provider, endpoint and developer keys. */
export function brokerCognitoFor(cloud: LocalCloud, tokenLifetimeSeconds = 900): BrokerOptions['cognito'] {
  return {
    region: cloud.region,
    identityPoolId: cloud.identityPoolId,
    developerProviderName: cloud.developerProviderName,
    tokenDurationSeconds: tokenLifetimeSeconds,
    endpoint: cloud.cognitoEndpoint,
    credentials: cloud.developerCredentials,
  };
}

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  // One key and certificate for every server of the stack (any server added here listens with it too,
  // through server/common/listen.ts createWebServer).
  const serverTls = options.tls ? localServerTls(options.dataDir) : undefined;
  const tls = serverTls ? { key: serverTls.key, cert: serverTls.cert } : undefined;
  const cloud = await startLocalCloud({
    dataDir: join(options.dataDir, 'cloud'),
    port: 0,
    host: HOST,
    ...(tls ? { tls } : {}),
    ...(options.credentialLifetimeSeconds !== undefined
      ? { credentialLifetimeSeconds: options.credentialLifetimeSeconds }
      : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.clockOffsetSeconds ? { clockOffsetSeconds: options.clockOffsetSeconds } : {}),
  });
  let store: UserStore | undefined;
  let provider: LocalOidcProvider | undefined;
  try {
    store = new SqliteUserStore(join(options.dataDir, 'broker.db'));
    for (const user of options.users ?? []) await ensureUser(store, user.username, user.password);
    if (options.oidc ?? true) {
      provider = await startLocalOidcProvider({
        keyFile: join(options.dataDir, 'oidc-provider.json'),
        users: options.users ?? [],
        host: HOST,
        ...(tls ? { tls } : {}),
      });
    }
    const s3Endpoint = options.advertiseS3Endpoint ?? cloud.s3Endpoint;
    const broker = await startBroker({
      host: HOST,
      port: options.port ?? 0,
      store,
      bucket: cloud.bucket,
      cognito: {
        ...brokerCognitoFor(cloud, options.tokenLifetimeSeconds),
        ...(serverTls ? { extraCaCertificates: [serverTls.caCert] } : {}),
      },
      endpoints: { cognitoIdentity: cloud.cognitoEndpoint, s3: s3Endpoint },
      ...(options.logger ? { logger: options.logger } : {}),
      ...(tls ? { tls } : {}),
      ...(provider
        ? {
            oidc: {
              issuer: provider.issuer,
              clientId: provider.clientId,
              clientSecret: provider.clientSecret,
              // The broker trusts the stack's CA for the provider as for the local cloud's Cognito.
              ...(serverTls ? { extraCaCertificates: [serverTls.caCert] } : {}),
              ...options.brokerOidc,
            },
          }
        : {}),
      passwordSignIn: options.passwordSignIn ?? true,
    });
    const info: LocalStackInfo = {
      brokerUrl: broker.url,
      s3Endpoint: cloud.s3Endpoint,
      cognitoEndpoint: cloud.cognitoEndpoint,
      region: cloud.region,
      bucket: cloud.bucket,
      identityPoolId: cloud.identityPoolId,
      developerProviderName: cloud.developerProviderName,
      adminCredentials: {
        accessKeyId: cloud.adminCredentials.accessKeyId,
        secretAccessKey: cloud.adminCredentials.secretAccessKey,
      },
      ...(serverTls ? { caFile: serverTls.caFile } : {}),
      ...(provider ? { oidcIssuer: provider.issuer } : {}),
    };
    const openStore = store;
    const openProvider = provider;
    let closing: Promise<void> | undefined;
    return {
      ...info,
      cloud,
      ...(provider ? { oidcProvider: provider } : {}),
      info: () => ({ ...info, adminCredentials: { ...info.adminCredentials } }),
      close() {
        // Broker first: it calls the cloud while requests drain.
        closing ??= broker.close().finally(async () => {
          await openProvider?.close();
          await openStore.close();
          await cloud.close();
        });
        return closing;
      },
    };
  } catch (error) {
    await provider?.close();
    await store?.close();
    await cloud.close();
    throw error;
  }
}

async function ensureUser(store: UserStore, username: string, password: string): Promise<void> {
  const name = usernameSchema.parse(username);
  const existing = await store.findUserByName(name);
  if (!existing) {
    await store.addUser(name, await hashPassword(password), new Date());
    return;
  }
  if (!(await verifyPassword(password, existing.passwordHash)))
    await store.setPasswordHash(name, await hashPassword(password));
  if (existing.disabled) await store.setDisabled(name, false);
}

/** Writes the ready file so that a reader never sees it half-written (temp file + rename). */
export async function writeReadyFile(path: string, info: LocalStackInfo): Promise<void> {
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temp, `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
  await rename(temp, path);
}
