// Faults between the engine and S3 (through a proxy in front of the real local cloud): injected
// 500 / 503 SlowDown, connection resets, the network going away and coming back, expired tokens.
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Transfer } from '../../../../electron/common/contract.js';
import { openStateDb, type StateDb } from '../../../../electron/engine/state/db.js';
import {
  createTransferQueue,
  type TransferQueue,
  type UploadTarget,
} from '../../../../electron/engine/transfers/queue.js';
import { createS3Client } from '../../../../electron/engine/transfers/s3-client.js';
import { isCompleteMultipart, isUploadPart, startFaultProxy, type FaultProxy } from '../../../support/fault-proxy.js';
import { objectDigest } from '../../../support/digest.js';
import {
  identityCredentials,
  incompleteUploads,
  MiB,
  newIdentityId,
  tempDir,
  testSettings,
  useCloud,
  writeRandomFile,
} from './helpers.js';

const env = useCloud();
let proxy: FaultProxy;
let work: ReturnType<typeof tempDir>;
let db: StateDb;
let queue: TransferQueue;
let target: UploadTarget;
let changed: Transfer[];
const settings = testSettings();

// Registered after useCloud's hooks: starts after the cloud, and (hooks unwind as a stack) closes before it.
beforeAll(async () => {
  proxy = await startFaultProxy(env.cloud.s3Endpoint);
});
afterAll(async () => {
  await proxy?.close();
});
beforeEach(() => {
  work = tempDir('hoist-faults-');
  db = openStateDb(join(work.path, 'state.db'));
  changed = [];
  queue = createTransferQueue({
    db,
    settings: () => settings,
    partSize: 5 * MiB,
    emit: (event, payload) => {
      if (event === 'transfers.changed') changed.push(...(payload as { transfers: Transfer[] }).transfers);
    },
  });
  const identityId = newIdentityId();
  target = {
    s3: createS3Client({
      endpoint: proxy.url,
      region: env.cloud.region,
      credentials: identityCredentials(env.cloud, identityId),
      maxSockets: 8,
    }),
    bucket: env.cloud.bucket,
    keyPrefix: `uploads/${identityId}/`,
    identityId,
  };
  queue.setTarget(target);
});
afterEach(async () => {
  await queue.stop();
  db.close();
  work.remove();
});

async function uploadOne(size: number, name: string): Promise<{ id: string; sha: string; key: string }> {
  const path = join(work.path, name.replaceAll('/', '-'));
  const sha = writeRandomFile(path, size);
  const [id] = queue.add([{ path, destination: name, origin: { kind: 'drop' } }]);
  return { id: id!, sha, key: target.keyPrefix + name };
}

describe('faults', () => {
  it('retries only the failed requests after 500, 503 SlowDown and connection resets', async () => {
    proxy.failNext(1, 500, 'InternalError', isUploadPart);
    proxy.failNext(1, 503, 'SlowDown', isUploadPart);
    proxy.resetNext(1, isUploadPart);
    proxy.failNext(1, 503, 'SlowDown', (r) => r.method === 'PUT' && !isUploadPart(r));
    queue.start();
    const big = await uploadOne(12 * MiB, 'retry/big.bin');
    const small = await uploadOne(1000, 'retry/small.bin');
    await queue.whenIdle();
    expect(proxy.pending()).toBe(0);
    for (const f of [big, small]) {
      expect(queue.list().find((t) => t.id === f.id)).toMatchObject({ state: 'done' });
      expect((await objectDigest(env.admin, env.cloud.bucket, f.key))?.sha).toBe(f.sha);
    }
  });

  it('fails the transfer when S3 answers Complete with a full-object CRC32 that is not the file’s', async () => {
    proxy.lieAboutCrc32Next(1, isCompleteMultipart);
    queue.start();
    const f = await uploadOne(11 * MiB, 'lie/whole.bin');
    await queue.whenIdle();
    expect(proxy.pending()).toBe(0);
    const t = queue.list().find((x) => x.id === f.id)!;
    expect(t.state).toBe('failed');
    expect(t.error).toMatchObject({ code: 'verification_failed' });
    expect(t.error?.message).toMatch(/CRC32 AAAAAA== is not the \S+ of the file/);
  });

  it('cuts a stalled socket (no bytes for the stall timeout) and retries the part', async () => {
    queue.setTarget({
      ...target,
      s3: createS3Client({
        endpoint: proxy.url,
        region: env.cloud.region,
        credentials: identityCredentials(env.cloud, target.identityId),
        stallTimeoutMs: 1000,
      }),
    });
    proxy.stallNext(1, isUploadPart);
    queue.start();
    const f = await uploadOne(7 * MiB, 'stall/a.bin');
    await queue.whenIdle();
    expect(proxy.pending()).toBe(0);
    expect(queue.list()[0]).toMatchObject({ state: 'done' });
    expect((await objectDigest(env.admin, env.cloud.bucket, f.key))?.sha).toBe(f.sha);
  });

  it('finishes an upload S3 completed just before a crash by asking Complete again: nothing is sent twice', async () => {
    // Its own proxy: the Complete whose answer is lost, then every retry swallowed until the "crash".
    const lossy = await startFaultProxy(env.cloud.s3Endpoint);
    try {
      lossy.truncateNext(1, isCompleteMultipart);
      lossy.stallNext(50, isCompleteMultipart);
      queue.setTarget({
        ...target,
        s3: createS3Client({
          endpoint: lossy.url,
          region: env.cloud.region,
          credentials: identityCredentials(env.cloud, target.identityId),
          maxSockets: 8,
        }),
      });
      queue.start();
      const f = await uploadOne(12 * MiB, 'crash/after-complete.bin');
      // S3 completed it; the engine never heard.
      await expect
        .poll(
          () =>
            objectDigest(env.admin, env.cloud.bucket, f.key).then(
              (o) => o?.sha,
              () => undefined,
            ),
          { timeout: 30_000, interval: 100 },
        )
        .toBe(f.sha);
      expect(queue.list().find((t) => t.id === f.id)?.state).not.toBe('done');
      await queue.stop(); // the crash, as the journal sees it: the upload id, its parts, "completing"
      const sent = (operation: string) =>
        env.cloud.requestLog.entries().filter((e) => e.operation === operation && e.key === f.key).length;
      const before = { parts: sent('UploadPart'), creates: sent('CreateMultipartUpload'), puts: sent('PutObject') };

      queue = createTransferQueue({ db, settings: () => settings, partSize: 5 * MiB, emit: () => undefined });
      queue.setTarget({
        ...target,
        s3: createS3Client({
          endpoint: env.cloud.s3Endpoint,
          region: env.cloud.region,
          credentials: identityCredentials(env.cloud, target.identityId),
        }),
      });
      queue.start();
      await queue.whenIdle();
      expect(queue.list().find((t) => t.id === f.id)).toMatchObject({ state: 'done' });
      expect({ parts: sent('UploadPart'), creates: sent('CreateMultipartUpload'), puts: sent('PutObject') }).toEqual(
        before,
      );
      expect(sent('CompleteMultipartUpload')).toBeGreaterThanOrEqual(2);
      expect((await objectDigest(env.admin, env.cloud.bucket, f.key))?.sha).toBe(f.sha);
      expect(await incompleteUploads(env.admin, env.cloud.bucket, target.keyPrefix)).toEqual([]);
    } finally {
      await lossy.close();
    }
  });

  it('keeps uploading with credentials that expire every few seconds', async () => {
    let issued = 0;
    queue.setTarget({
      ...target,
      s3: createS3Client({
        endpoint: proxy.url,
        region: env.cloud.region,
        // like the real provider: fresh credentials whenever the SDK asks (it asks when < 5 min are left)
        credentials: async () => {
          issued++;
          const c = env.cloud.credentials.issueTemporary(target.identityId, 3);
          return {
            accessKeyId: c.accessKeyId,
            secretAccessKey: c.secretAccessKey,
            sessionToken: c.sessionToken,
            expiration: c.expiration,
          };
        },
      }),
    });
    settings.bandwidthLimit = 3 * MiB;
    try {
      queue.start();
      const f = await uploadOne(11 * MiB, 'short-creds/a.bin');
      await queue.whenIdle();
      expect(queue.list()[0]).toMatchObject({ state: 'done' });
      expect((await objectDigest(env.admin, env.cloud.bucket, f.key))?.sha).toBe(f.sha);
      expect(issued).toBeGreaterThan(3);
    } finally {
      settings.bandwidthLimit = null;
    }
  });

  it('waits for the network when it is gone and continues by itself when it is back', async () => {
    await proxy.down();
    queue.start();
    const f = await uploadOne(6 * MiB, 'net/a.bin');
    // The transfer must say it waits for the network (not fail) while nothing answers.
    await expect
      .poll(() => changed.some((t) => t.id === f.id && t.state === 'waiting' && t.waitingFor === 'network'), {
        timeout: 10_000,
        interval: 10,
      })
      .toBe(true);
    expect(queue.list()[0]!.state).not.toBe('failed');
    await proxy.up();
    await queue.whenIdle();
    expect(queue.list()[0]).toMatchObject({ state: 'done' });
    expect((await objectDigest(env.admin, env.cloud.bucket, f.key))?.sha).toBe(f.sha);
  });

  it('refreshes credentials on ExpiredToken and retries', async () => {
    let refreshed = 0;
    queue.setTarget({ ...target, refreshCredentials: async () => void refreshed++ });
    proxy.failNext(1, 400, 'ExpiredToken', isUploadPart);
    queue.start();
    const f = await uploadOne(6 * MiB, 'token/a.bin');
    await queue.whenIdle();
    expect(proxy.pending()).toBe(0);
    expect(refreshed).toBe(1);
    expect(queue.list()[0]).toMatchObject({ state: 'done' });
    expect((await objectDigest(env.admin, env.cloud.bucket, f.key))?.sha).toBe(f.sha);
  });

  it('a sign-in that cannot be refreshed makes transfers wait, not fail; a new target continues them', async () => {
    const signedOut = createS3Client({
      endpoint: proxy.url,
      region: env.cloud.region,
      credentials: async () => {
        throw Object.assign(new Error('session revoked'), { name: 'SignInRequiredError' });
      },
    });
    queue.setTarget({ ...target, s3: signedOut });
    queue.start();
    const f = await uploadOne(2000, 'signin/a.bin');
    await queue.whenIdle();
    expect(queue.list()[0]).toMatchObject({ state: 'waiting', waitingFor: 'sign-in' });
    queue.setTarget(target);
    await queue.whenIdle();
    expect(queue.list()[0]).toMatchObject({ state: 'done' });
    expect((await objectDigest(env.admin, env.cloud.bucket, f.key))?.sha).toBe(f.sha);
    expect(await incompleteUploads(env.admin, env.cloud.bucket, target.keyPrefix)).toEqual([]);
  });
});
