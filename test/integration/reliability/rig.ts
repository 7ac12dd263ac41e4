// The reliability and security rig: the real local cloud and the real broker, composed by hand (rather
// than startLocalStack) so that each can be restarted on the same port and data folder, the role policy
// can be swapped, and clients reach S3 through the fault proxy (the broker advertises the proxy).
// Cognito calls go to the cloud directly: its port is fixed, so they survive a cloud restart.
import type { S3Client } from '@aws-sdk/client-s3';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createS3Client } from '../../../electron/engine/transfers/s3-client.js';
import { startBroker, type RunningBroker } from '../../../server/broker/index.js';
import { silentLogger } from '../../../server/broker/logger.js';
import { hashPassword } from '../../../server/broker/passwords.js';
import { SqliteUserStore } from '../../../server/broker/sqlite-store.js';
import { startLocalCloud, type LocalCloud } from '../../../server/local-cloud/index.js';
import { brokerCognitoFor } from '../../../server/local-stack/index.js';
import { listKeys, openUploads } from '../../support/bucket.js';
import { objectDigest } from '../../support/digest.js';
import { startFaultProxy, type FaultProxy } from '../../support/fault-proxy.js';

export const MiB = 1024 * 1024;

export interface RigOptions {
  users?: Array<{ username: string; password: string }>;
  /** Replaces server/infra/role-policy.json (the vulnerable-policy variant of the security suite). */
  rolePolicy?: unknown;
  credentialLifetimeSeconds?: number;
  tokenLifetimeSeconds?: number;
}

export interface Rig {
  dir: string;
  cloud: LocalCloud;
  brokerUrl: string;
  proxy: FaultProxy;
  admin: S3Client;
  bucket: string;
  /** Close the cloud, optionally wait, start it again on the same port and data folder. */
  restartCloud(downMs?: number): Promise<void>;
  /** Close the broker, optionally wait, start it again on the same port and user store. */
  restartBroker(downMs?: number): Promise<void>;
  objectSha256(key: string): Promise<string | undefined>;
  listKeys(prefix: string): Promise<string[]>;
  openUploads(prefix: string): Promise<string[]>;
  close(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export async function startRig(options: RigOptions = {}): Promise<Rig> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'hoist-rig-'));
  const cloudDir = path.join(dir, 'cloud');
  const brokerDb = path.join(dir, 'broker.db');
  const cloudPort = await freePort();
  const brokerPort = await freePort();
  const startCloud = () =>
    startLocalCloud({
      dataDir: cloudDir,
      port: cloudPort,
      ...(options.rolePolicy !== undefined ? { rolePolicy: options.rolePolicy } : {}),
      ...(options.credentialLifetimeSeconds !== undefined
        ? { credentialLifetimeSeconds: options.credentialLifetimeSeconds }
        : {}),
    });
  let cloud = await startCloud();
  const proxy = await startFaultProxy(cloud.s3Endpoint);

  const store = new SqliteUserStore(brokerDb);
  for (const user of options.users ?? [])
    await store.addUser(user.username, await hashPassword(user.password), new Date());
  await store.close();

  const startOurBroker = (): Promise<RunningBroker> =>
    startBroker({
      port: brokerPort,
      dbPath: brokerDb,
      bucket: cloud.bucket,
      cognito: brokerCognitoFor(cloud, options.tokenLifetimeSeconds),
      endpoints: { cognitoIdentity: cloud.cognitoEndpoint, s3: proxy.url },
      logger: silentLogger,
    });
  let broker = await startOurBroker();
  const admin = createS3Client({
    endpoint: cloud.s3Endpoint,
    region: cloud.region,
    credentials: cloud.adminCredentials,
    maxSockets: 8,
  });

  const rig: Rig = {
    dir,
    cloud,
    brokerUrl: broker.url,
    proxy,
    admin,
    bucket: cloud.bucket,
    async restartCloud(downMs = 0) {
      await cloud.close();
      if (downMs > 0) await new Promise((r) => setTimeout(r, downMs));
      cloud = await startCloud();
      rig.cloud = cloud;
    },
    async restartBroker(downMs = 0) {
      await broker.close();
      if (downMs > 0) await new Promise((r) => setTimeout(r, downMs));
      broker = await startOurBroker();
    },
    objectSha256: async (key) => (await objectDigest(admin, cloud.bucket, key))?.sha,
    listKeys: (prefix) => listKeys(admin, cloud.bucket, prefix),
    openUploads: (prefix) => openUploads(admin, cloud.bucket, prefix),
    async close() {
      admin.destroy();
      await broker.close();
      await proxy.close();
      await cloud.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return rig;
}

export { sha256 } from '../../support/digest.js';
