// Start-up clean-up: uploads the journal still references (a paused transfer) survive a restart and are
// continued; uploads the journal never knew are left to the bucket's lifecycle rule, never listed.
import { join } from 'node:path';
import { CreateMultipartUploadCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStateDb } from '../../../../electron/engine/state/db.js';
import { createJournal } from '../../../../electron/engine/transfers/journal.js';
import {
  createTransferQueue,
  type TransferQueue,
  type UploadTarget,
} from '../../../../electron/engine/transfers/queue.js';
import { objectDigest } from '../../../support/digest.js';
import {
  identityClient,
  incompleteUploads,
  MiB,
  newIdentityId,
  tempDir,
  testSettings,
  useCloud,
  writeRandomFile,
} from './helpers.js';

const env = useCloud();
let work: ReturnType<typeof tempDir>;

beforeAll(() => {
  work = tempDir('hoist-janitor-');
});
afterAll(() => {
  work?.remove();
});

describe('start-up clean-up', () => {
  it('keeps referenced and unknown uploads, and continues on the kept upload id', async () => {
    const identityId = newIdentityId();
    const prefix = `uploads/${identityId}/`;
    // Admin credentials: even where listing would be allowed, Hoist does not list the bucket.
    const target: UploadTarget = { s3: env.admin, bucket: env.cloud.bucket, keyPrefix: prefix, identityId };
    const settings = testSettings({ bandwidthLimit: 4 * MiB, partsInParallel: 1 });
    const dbPath = join(work.path, 'state.db');
    let db = openStateDb(dbPath);
    const open = (): TransferQueue => {
      const q = createTransferQueue({ db, settings: () => settings, emit: () => undefined, partSize: 5 * MiB });
      q.setTarget(target);
      return q;
    };
    let queue = open();

    // A paused multipart transfer: its upload id is in the journal.
    const pausedPath = join(work.path, 'paused.bin');
    const pausedSha = writeRandomFile(pausedPath, 12 * MiB);
    queue.start();
    const [pausedId] = queue.add([{ path: pausedPath, destination: 'paused.bin', origin: { kind: 'drop' } }]);
    const journal = createJournal(db);
    await expect.poll(() => journal.parts(pausedId!).length, { timeout: 20_000, interval: 10 }).toBeGreaterThan(0);
    await queue.pause(pausedId!);
    const keptUploadId = journal.get(pausedId!)!.uploadId!;
    await queue.stop();
    db.close();

    // An unknown upload for a key the journal uploads (a crash between Create and journaling it), and
    // one for another key (perhaps another device of the same user): both are the lifecycle rule's.
    const orphan = await env.admin.send(
      new CreateMultipartUploadCommand({ Bucket: env.cloud.bucket, Key: `${prefix}later.bin` }),
    );
    const foreign = await env.admin.send(
      new CreateMultipartUploadCommand({ Bucket: env.cloud.bucket, Key: `${prefix}elsewhere.bin` }),
    );
    const laterPath = join(work.path, 'later.bin');
    const laterSha = writeRandomFile(laterPath, 1000);

    const listings = () => env.cloud.requestLog.entries().filter((e) => e.operation === 'ListMultipartUploads').length;
    const listedBefore = listings();
    db = openStateDb(dbPath);
    queue = open();
    queue.add([{ path: laterPath, destination: 'later.bin', origin: { kind: 'drop' } }]);
    queue.start();
    await queue.whenIdle();
    expect(listings()).toBe(listedBefore);
    const left = await incompleteUploads(env.admin, env.cloud.bucket, prefix);
    expect(left).toContain(`${prefix}paused.bin#${keptUploadId}`);
    expect(left).toContain(`${prefix}elsewhere.bin#${foreign.UploadId}`);
    expect(left).toContain(`${prefix}later.bin#${orphan.UploadId}`);
    expect((await objectDigest(env.admin, env.cloud.bucket, `${prefix}later.bin`))?.sha).toBe(laterSha);

    // The paused transfer continues on its kept upload id.
    settings.bandwidthLimit = null;
    queue.resume(pausedId!);
    await queue.whenIdle();
    expect(queue.list().find((t) => t.id === pausedId)).toMatchObject({ state: 'done' });
    expect((await objectDigest(env.admin, env.cloud.bucket, `${prefix}paused.bin`))?.sha).toBe(pausedSha);
    const uploadsUsed = new Set(
      env.cloud.requestLog
        .entries()
        .filter((e) => e.key === `${prefix}paused.bin` && e.operation === 'UploadPart')
        .map((e) => e.uploadId),
    );
    expect([...uploadsUsed]).toEqual([keptUploadId]);
    await queue.stop();
    db.close();
  });

  it("never continues another identity's journaled transfer", async () => {
    const a = newIdentityId();
    const b = newIdentityId();
    const db = openStateDb(join(work.path, 'identity.db'));
    const settings = testSettings();
    const queue = createTransferQueue({ db, settings: () => settings, emit: () => undefined, partSize: 5 * MiB });
    const targetA: UploadTarget = {
      s3: identityClient(env.cloud, a),
      bucket: env.cloud.bucket,
      keyPrefix: `uploads/${a}/`,
      identityId: a,
    };
    const targetB: UploadTarget = {
      s3: identityClient(env.cloud, b),
      bucket: env.cloud.bucket,
      keyPrefix: `uploads/${b}/`,
      identityId: b,
    };
    const path = join(work.path, 'mine.bin');
    const sha = writeRandomFile(path, 2000);
    queue.setTarget(targetA);
    const [id] = queue.add([{ path, destination: 'mine.bin', origin: { kind: 'drop' } }]);
    queue.setTarget(targetB);
    queue.start();
    await queue.whenIdle();
    expect(queue.list().find((t) => t.id === id)).toMatchObject({ state: 'waiting', waitingFor: 'sign-in' });
    expect(env.cloud.requestLog.entries().filter((e) => e.identityId === b && e.operation === 'PutObject')).toEqual([]);
    queue.setTarget(targetA);
    await queue.whenIdle();
    expect(queue.list().find((t) => t.id === id)).toMatchObject({ state: 'done' });
    expect((await objectDigest(env.admin, env.cloud.bucket, `uploads/${a}/mine.bin`))?.sha).toBe(sha);
    await queue.stop();
    db.close();
  });
});
