// Shared set-up for the local cloud's integration tests: a real local cloud on 127.0.0.1 in a temp folder,
// and S3 clients signed with admin or identity credentials.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll } from 'vitest';
import { startLocalCloud, type LocalCloud, type LocalCloudOptions } from '../../../server/local-cloud/index.js';

export const MiB = 1024 * 1024;

export function tempDir(prefix = 'local-cloud-'): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export function startCloud(dataDir: string, options: Partial<LocalCloudOptions> = {}): Promise<LocalCloud> {
  return startLocalCloud({ dataDir, port: 0, ...options });
}

export interface StartedCloud {
  cloud: LocalCloud;
  /** A client signed with the admin credentials. */
  admin: S3Client;
  bucket: string;
}

/**
 * One local cloud for the whole test file, in a temp folder: started before its tests (and handed to
 * `started`), closed and removed after them.
 */
export function useCloud(started: (cloud: StartedCloud) => void, options: Partial<LocalCloudOptions> = {}): void {
  const dir = tempDir();
  let cloud: LocalCloud | undefined;
  beforeAll(async () => {
    cloud = await startCloud(dir.path, options);
    started({ cloud, admin: client(cloud, cloud.adminCredentials), bucket: cloud.bucket });
  });
  afterAll(async () => {
    await cloud?.close();
    dir.remove();
  });
}

export interface Creds {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export function client(cloud: LocalCloud, credentials: Creds, extra: Record<string, unknown> = {}): S3Client {
  return new S3Client({
    endpoint: cloud.s3Endpoint,
    region: cloud.region,
    forcePathStyle: true,
    credentials,
    maxAttempts: 1,
    ...extra,
  });
}

export function newIdentityId(): string {
  return `us-east-1:${randomUUID()}`;
}

export function identityCreds(cloud: LocalCloud, identityId: string, lifetimeSeconds = 3600): Creds {
  const c = cloud.credentials.issueTemporary(identityId, lifetimeSeconds);
  return { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken };
}

/** The error name the SDK reports for a failed call (`<Code>` of S3's XML error). */
export async function errorOf(
  promise: Promise<unknown>,
): Promise<{ name: string; status: number | undefined; message: string }> {
  try {
    await promise;
  } catch (err) {
    const e = err as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, status: e.$metadata?.httpStatusCode, message: e.message };
  }
  throw new Error('expected the call to fail');
}
