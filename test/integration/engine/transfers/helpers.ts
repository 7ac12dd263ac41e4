// Shared set-up for the engine's integration tests: a real local cloud over HTTP, files with known
// content, and an S3 admin client to read back what the engine stored.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll } from 'vitest';
import type { Settings } from '../../../../electron/common/contract.js';
import { createS3Client } from '../../../../electron/engine/transfers/s3-client.js';
import { startLocalCloud } from '../../../../server/local-cloud/index.js';
import { sha256 } from '../../../support/digest.js';

export const MiB = 1024 * 1024;
export type Cloud = Awaited<ReturnType<typeof startLocalCloud>>;

export function tempDir(prefix: string): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export async function startCloud(dataDir: string): Promise<Cloud> {
  return startLocalCloud({ dataDir, port: 0 });
}

/** The test file's local cloud and its admin client: started before the file's tests, closed and removed after. */
export function useCloud(): { readonly cloud: Cloud; readonly admin: S3Client } {
  const env = {} as { cloud: Cloud; admin: S3Client };
  let dir: ReturnType<typeof tempDir> | undefined;
  beforeAll(async () => {
    dir = tempDir('hoist-cloud-');
    env.cloud = await startCloud(dir.path);
    env.admin = adminClient(env.cloud);
  });
  afterAll(async () => {
    await env.cloud?.close();
    dir?.remove();
  });
  return env;
}

export function adminClient(cloud: Cloud): S3Client {
  return createS3Client({
    endpoint: cloud.s3Endpoint,
    region: cloud.region,
    credentials: cloud.adminCredentials,
    maxSockets: 8,
  });
}

/** Temporary credentials of an identity, confined by the role policy to uploads/<identityId>/. */
export function identityClient(cloud: Cloud, identityId: string, lifetimeSeconds = 3600): S3Client {
  return createS3Client({
    endpoint: cloud.s3Endpoint,
    region: cloud.region,
    credentials: identityCredentials(cloud, identityId, lifetimeSeconds),
    maxSockets: 16,
  });
}

export function identityCredentials(cloud: Cloud, identityId: string, lifetimeSeconds = 3600) {
  const c = cloud.credentials.issueTemporary(identityId, lifetimeSeconds);
  return { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken };
}

export function newIdentityId(): string {
  return `${'us-east-1'}:${crypto.randomUUID()}`;
}

export function writeRandomFile(path: string, size: number): string {
  const data = randomBytes(size);
  writeFileSync(path, data);
  return sha256(data);
}

export { openUploads as incompleteUploads } from '../../../support/bucket.js';

export function testSettings(overrides: Partial<Settings> = {}): Settings {
  return {
    filesInParallel: 3,
    partsInParallel: 3,
    bandwidthLimit: null,
    stabilityWindowMs: 0,
    ignorePatterns: [],
    startAtLogin: false,
    proxyUrl: null,
    caFile: null,
    notifications: true,
    ...overrides,
  };
}
