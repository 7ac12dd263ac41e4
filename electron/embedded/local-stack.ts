// The built-in local cloud: with no backend configured, Hoist runs the local stack (S3 + Cognito
// stand-in and the broker) in-process, with one local account, so a new user can upload with no AWS
// account and no extra step. The account's password is generated once and kept in the keychain.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { startLocalStack } from '../../server/local-stack/index.js';
import type { SecretStore } from '../engine/auth/secret-store.js';
import type { Logger } from '../engine/platform/log.js';

export interface EmbeddedStack {
  brokerUrl: string;
  s3Endpoint: string;
  bucket: string;
  localAccount: { username: string; password: string };
  close(): Promise<void>;
}

const localUser = 'local';
const passwordAccount = 'local-account';

export async function startEmbeddedStack(dataDir: string, secrets: SecretStore, log: Logger): Promise<EmbeddedStack> {
  let password = await secrets.get(passwordAccount);
  if (!password) {
    password = randomBytes(24).toString('base64url');
    await secrets.set(passwordAccount, password);
  }
  const stack = await startLocalStack({
    dataDir: path.join(dataDir, 'local-cloud'),
    port: 0,
    users: [{ username: localUser, password }],
    // The local account signs in by itself: no OpenID provider needed here.
    oidc: false,
    // The stack's own events go to the engine's log, at the engine's level.
    logger: {
      info: (event, fields) => log.debug(`local stack: ${event}`, fields),
      warn: (event, fields) => log.warn(`local stack: ${event}`, fields),
      error: (event, fields) => log.error(`local stack: ${event}`, fields),
    },
  });
  return {
    brokerUrl: stack.brokerUrl,
    s3Endpoint: stack.s3Endpoint,
    bucket: stack.bucket,
    localAccount: { username: localUser, password },
    close: () => stack.close(),
  };
}
