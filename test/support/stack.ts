// A local stack (local cloud + broker) on random ports in a temp folder, and an admin S3 client
// to check what really landed in the bucket.
import { S3Client } from '@aws-sdk/client-s3';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { listKeys } from './bucket.js';
import { objectDigest } from './digest.js';
import { silentLogger } from '../../server/broker/logger.js';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../../server/local-stack/index.js';

export interface TestStack {
  stack: LocalStack;
  dir: string;
  admin: S3Client;
  /** sha256 hex of an object, or undefined when it does not exist. */
  objectSha256(key: string): Promise<string | undefined>;
  listKeys(prefix: string): Promise<string[]>;
  close(): Promise<void>;
}

export async function startTestStack(options: Partial<LocalStackOptions> = {}): Promise<TestStack> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'hoist-stack-'));
  const stack = await startLocalStack({ dataDir: dir, port: 0, logger: silentLogger, ...options });
  const admin = new S3Client({
    region: stack.region,
    endpoint: stack.s3Endpoint,
    forcePathStyle: true,
    credentials: stack.adminCredentials,
  });
  return {
    stack,
    dir,
    admin,
    objectSha256: async (key) => (await objectDigest(admin, stack.bucket, key))?.sha,
    listKeys: (prefix) => listKeys(admin, stack.bucket, prefix),
    async close() {
      admin.destroy();
      await stack.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export { sha256 } from './digest.js';
