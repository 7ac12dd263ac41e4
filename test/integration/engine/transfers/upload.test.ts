// The upload engine against the real local cloud over HTTP: byte-identical objects, pause / resume /
// cancel, a file changing mid-upload, permanent errors confined to their transfer.
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync, utimesSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { events as eventSchemas, type Settings, type Transfer } from '../../../../electron/common/contract.js';
import { openStateDb, type StateDb } from '../../../../electron/engine/state/db.js';
import { createJournal } from '../../../../electron/engine/transfers/journal.js';
import { PartBufferPool } from '../../../../electron/engine/transfers/part-buffers.js';
import { readVersion } from '../../../../electron/engine/transfers/file-version.js';
import {
  createTransferQueue,
  type TransferQueue,
  type UploadTarget,
} from '../../../../electron/engine/transfers/queue.js';
import { objectDigest, sha256 } from '../../../support/digest.js';
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

interface Harness {
  dir: string;
  db: StateDb;
  queue: TransferQueue;
  target: UploadTarget;
  /** The queue's part-buffer pool (what createEngine would give it). */
  partBuffers: PartBufferPool;
  settings: Settings;
  events: Array<{ event: string; payload: unknown }>;
  reopen(): void;
  waitFor(pred: () => boolean, what: string): Promise<void>;
}

let h: Harness;
let work: ReturnType<typeof tempDir>;

function makeHarness(): Harness {
  const identityId = newIdentityId();
  const settings = testSettings();
  const target: UploadTarget = {
    s3: identityClient(env.cloud, identityId),
    bucket: env.cloud.bucket,
    keyPrefix: `uploads/${identityId}/`,
    identityId,
  };
  const events: Harness['events'] = [];
  const dbPath = join(work.path, 'state.db');
  const harness: Harness = {
    dir: work.path,
    db: openStateDb(dbPath),
    queue: undefined as unknown as TransferQueue,
    target,
    partBuffers: new PartBufferPool(),
    settings,
    events,
    reopen() {
      harness.db = openStateDb(dbPath);
      harness.queue = createTransferQueue({
        db: harness.db,
        settings: () => settings,
        emit: (event, payload) => events.push({ event, payload }),
        partSize: 5 * MiB,
        partBuffers: harness.partBuffers,
      });
      harness.queue.setTarget(target);
    },
    async waitFor(pred, what) {
      await expect.poll(pred, { timeout: 30_000, interval: 10, message: `gave up waiting for ${what}` }).toBe(true);
    },
  };
  harness.db.close();
  harness.reopen();
  return harness;
}

beforeEach(() => {
  work = tempDir('hoist-engine-');
  h = makeHarness();
});
afterEach(async () => {
  await h.queue.stop();
  h.partBuffers.stop();
  h.db.close();
  work.remove();
});

const drop = { kind: 'drop' } as const;
const byId = (id: string): Transfer => h.queue.list().find((t) => t.id === id)!;

describe('uploads', () => {
  it('stores byte-identical objects for edge sizes, single PUT up to one part and multipart above', async () => {
    // 0…1 MiB go from one Buffer, above that one PUT from a pooled buffer up to a part, multipart above.
    const sizes = [0, 1, 4096, MiB, MiB + 1, 5 * MiB - 1, 5 * MiB, 5 * MiB + 1, 10 * MiB + 12345];
    const files = sizes.map((size) => {
      const path = join(h.dir, `f-${size}.bin`);
      return { path, size, sha: writeRandomFile(path, size), destination: `edge/f-${size}.bin` };
    });
    h.queue.start();
    const ids = h.queue.add(files.map((f) => ({ path: f.path, destination: f.destination, origin: drop })));
    await h.queue.whenIdle();
    for (const [i, f] of files.entries()) {
      const t = byId(ids[i]!);
      expect(t, f.destination).toMatchObject({ state: 'done', size: f.size, bytesDone: f.size });
      expect(t.error).toBeUndefined();
      expect(await objectDigest(env.admin, env.cloud.bucket, h.target.keyPrefix + f.destination)).toEqual({
        sha: f.sha,
        size: f.size,
      });
    }
    const log = env.cloud.requestLog.entries().filter((e) => e.key?.startsWith(h.target.keyPrefix));
    const ops = (size: number) =>
      log
        .filter((e) => e.key === `${h.target.keyPrefix}edge/f-${size}.bin` && e.operation !== 'GetObject')
        .map((e) => e.operation);
    expect(ops(5 * MiB)).toEqual(['PutObject']);
    expect(ops(4096)).toEqual(['PutObject']);
    expect(ops(MiB + 1)).toEqual(['PutObject']);
    // The journal holds the version each transfer uploaded (folder sync reads it back).
    const journal = createJournal(h.db);
    for (const [i, f] of files.entries()) {
      expect(journal.get(ids[i]!)?.version, f.destination).toEqual(await readVersion(f.path));
    }
    expect(ops(5 * MiB + 1).filter((o) => o === 'UploadPart')).toHaveLength(2);
    expect(ops(10 * MiB + 12345).filter((o) => o === 'UploadPart')).toHaveLength(3);
    // PUTs above 1 MiB went from pooled buffers: plain bodies (no aws-chunked framing) with their CRC32.
    const put = log.filter((e) => e.operation === 'PutObject' && e.key?.endsWith(`f-${MiB + 1}.bin`));
    expect(put.map((e) => e.bytesReceived)).toEqual([MiB + 1]);
    // Parts streamed from the file: aws-chunked, a few bytes of framing and the CRC32 trailer over the part.
    const parts = log.filter((e) => e.operation === 'UploadPart');
    expect(parts.length).toBeGreaterThan(0);
    for (const e of parts) {
      const framing = [5 * MiB, 1, 12345].map((size) => e.bytesReceived - size).filter((d) => d > 0 && d < 1024);
      expect(framing, String(e.bytesReceived)).toHaveLength(1);
    }
    expect(await incompleteUploads(env.admin, env.cloud.bucket, h.target.keyPrefix)).toEqual([]);
    const totals = h.queue.totals();
    expect(totals).toMatchObject({ active: 0, queued: 0, failed: 0 });
    expect(h.events.some((e) => e.event === 'transfers.changed')).toBe(true);
    // every event the queue emitted is valid under the RPC contract
    for (const e of h.events)
      eventSchemas[e.event as 'transfers.changed' | 'transfers.removed' | 'totals'].parse(e.payload);
  });

  it('streams parts and PUTs (CRC32 trailer) when the part-buffer pool is spent, and stores the same bytes', async () => {
    const spent = h.partBuffers.take(h.partBuffers.limitBytes)!;
    try {
      const files = [3 * MiB, 11 * MiB].map((size) => {
        const path = join(h.dir, `s-${size}.bin`);
        return { path, size, sha: writeRandomFile(path, size), destination: `streamed/s-${size}.bin` };
      });
      h.queue.start();
      const ids = h.queue.add(files.map((f) => ({ path: f.path, destination: f.destination, origin: drop })));
      await h.queue.whenIdle();
      for (const [i, f] of files.entries()) {
        expect(byId(ids[i]!)).toMatchObject({ state: 'done', size: f.size, bytesDone: f.size });
        expect(await objectDigest(env.admin, env.cloud.bucket, h.target.keyPrefix + f.destination)).toEqual({
          sha: f.sha,
          size: f.size,
        });
      }
      const sent = env.cloud.requestLog
        .entries()
        .filter(
          (e) =>
            e.key?.startsWith(`${h.target.keyPrefix}streamed/`) &&
            (e.operation === 'UploadPart' || e.operation === 'PutObject'),
        );
      expect(sent).toHaveLength(4); // one PUT, three parts
      // aws-chunked: the framing and the trailer come on top of the data
      for (const e of sent) expect(e.bytesReceived % MiB).not.toBe(0);
    } finally {
      spent.release(true);
    }
  });

  it('pauses (keeping finished parts), resumes from the first unfinished part, and survives a restart', async () => {
    const path = join(h.dir, 'big.bin');
    const sha = writeRandomFile(path, 15 * MiB);
    h.settings.bandwidthLimit = 4 * MiB;
    h.settings.partsInParallel = 1;
    h.queue.start();
    const [id] = h.queue.add([{ path, destination: 'pause/big.bin', origin: drop }]);
    const journal = createJournal(h.db);
    await h.waitFor(() => journal.parts(id!).length >= 1, 'the first part');
    await h.queue.pause(id!);
    const pausedAt = Date.now();
    expect(byId(id!).state).toBe('paused');
    const finished = journal.parts(id!).map((p) => p.number);
    const uploadId = journal.get(id!)!.uploadId!;
    expect(uploadId).toBeTruthy();

    // restart while paused: the pause and the upload id are kept
    await h.queue.stop();
    h.db.close();
    h.reopen();
    h.queue.start();
    expect(byId(id!).state).toBe('paused');
    const logStart = env.cloud.requestLog.entries().length;
    // nothing was sent for it between the pause and the resume (requests arriving after the pause)
    const whilePaused = env.cloud.requestLog
      .entries()
      .filter((e) => e.uploadId === uploadId && Date.parse(e.time) > pausedAt);
    expect(whilePaused).toEqual([]);
    h.settings.bandwidthLimit = null;
    h.queue.resume(id!);
    await h.queue.whenIdle();
    expect(byId(id!).state).toBe('done');
    expect(await objectDigest(env.admin, env.cloud.bucket, `${h.target.keyPrefix}pause/big.bin`)).toEqual({
      sha,
      size: 15 * MiB,
    });
    const resent = env.cloud.requestLog
      .entries()
      .slice(logStart)
      .filter((e) => e.operation === 'UploadPart' && e.uploadId === uploadId && finished.includes(e.partNumber!));
    expect(resent).toEqual([]);
  });

  it('cancel aborts the multipart upload and forgets the transfer', async () => {
    const path = join(h.dir, 'cancel.bin');
    writeRandomFile(path, 15 * MiB);
    h.settings.bandwidthLimit = 4 * MiB;
    h.queue.start();
    const [id] = h.queue.add([{ path, destination: 'cancel/c.bin', origin: drop }]);
    const journal = createJournal(h.db);
    await h.waitFor(() => journal.get(id!)?.uploadId !== undefined && byId(id!).bytesDone > 0, 'the upload to start');
    await h.queue.cancel(id!);
    expect(h.queue.list().map((t) => t.id)).not.toContain(id);
    expect(h.events).toContainEqual({ event: 'transfers.removed', payload: { ids: [id] } });
    expect(journal.get(id!)).toBeUndefined();
    expect(await incompleteUploads(env.admin, env.cloud.bucket, h.target.keyPrefix)).toEqual([]);
  });

  it('pause all persists across a restart and resume all finishes everything', async () => {
    const files = [1, 2].map((n) => {
      const path = join(h.dir, `pa-${n}.bin`);
      return { path, sha: writeRandomFile(path, 6 * MiB), destination: `pa/${n}.bin` };
    });
    h.settings.bandwidthLimit = 2 * MiB;
    h.queue.start();
    const ids = h.queue.add(files.map((f) => ({ path: f.path, destination: f.destination, origin: drop })));
    await h.waitFor(() => h.queue.totals().bytesDone > 0, 'some progress');
    await h.queue.pauseAll();
    expect(h.queue.totals().pausedAll).toBe(true);
    await h.queue.stop();
    h.db.close();
    h.reopen();
    h.queue.start();
    expect(h.queue.totals().pausedAll).toBe(true);
    expect(ids.map((id) => byId(id).state)).toEqual(['paused', 'paused']);
    h.settings.bandwidthLimit = null;
    h.queue.resumeAll();
    await h.queue.whenIdle();
    for (const [i, f] of files.entries()) {
      expect(byId(ids[i]!).state).toBe('done');
      expect((await objectDigest(env.admin, env.cloud.bucket, h.target.keyPrefix + f.destination))?.sha).toBe(f.sha);
    }
  });

  it('a file modified mid-upload is uploaded again from its new version, never torn', async () => {
    const path = join(h.dir, 'changing.bin');
    writeRandomFile(path, 15 * MiB);
    h.settings.bandwidthLimit = 4 * MiB;
    h.settings.partsInParallel = 1;
    h.queue.start();
    const [id] = h.queue.add([{ path, destination: 'change/c.bin', origin: drop }]);
    const journal = createJournal(h.db);
    await h.waitFor(() => journal.parts(id!).length >= 1, 'the first part');
    const newSha = writeRandomFile(path, 12 * MiB); // a different size: detected whatever the mtime resolution
    h.settings.bandwidthLimit = null;
    await h.queue.whenIdle();
    await h.queue.stop(); // waits for the janitor's aborts
    expect(byId(id!).state).toBe('done');
    expect(await objectDigest(env.admin, env.cloud.bucket, `${h.target.keyPrefix}change/c.bin`)).toEqual({
      sha: newSha,
      size: 12 * MiB,
    });
    expect(sha256(readFileSync(path))).toBe(newSha);
    expect(await incompleteUploads(env.admin, env.cloud.bucket, h.target.keyPrefix)).toEqual([]);
  });

  it('a file rewritten in place mid-upload with its mtime put back is sent again whole, never torn', async () => {
    // What rsync --inplace, some editors and restore tools do: same size, same inode, same mtime.
    const path = join(h.dir, 'edited-in-place.bin');
    writeRandomFile(path, 16 * MiB);
    const mtime = new Date(Date.UTC(2026, 0, 2, 3, 4, 5)); // whole seconds: put back exactly below
    utimesSync(path, mtime, mtime);
    h.settings.bandwidthLimit = 4 * MiB;
    h.settings.partsInParallel = 1;
    h.queue.start();
    const [id] = h.queue.add([{ path, destination: 'change/in-place.bin', origin: drop }]);
    const journal = createJournal(h.db);
    await h.waitFor(() => journal.parts(id!).length >= 1, 'the first part');
    const fd = openSync(path, 'r+');
    try {
      // The first MiB (already sent) and one in the last part (not yet sent).
      writeSync(fd, randomBytes(MiB), 0, MiB, 0);
      writeSync(fd, randomBytes(MiB), 0, MiB, 15 * MiB);
    } finally {
      closeSync(fd);
    }
    utimesSync(path, mtime, mtime);
    // The edit as the engine will see it: against the version it journaled, same size and modification
    // time, and only the change time tells (a file system with a coarse ctime would make this test moot).
    const journaled = journal.get(id!)!.version!;
    const now = await readVersion(path);
    expect({ size: now.size, mtimeMs: now.mtimeMs }).toEqual({ size: journaled.size, mtimeMs: journaled.mtimeMs });
    expect(now.ctimeMs).not.toBe(journaled.ctimeMs);
    const edited = sha256(readFileSync(path));
    h.settings.bandwidthLimit = null;
    await h.queue.whenIdle();
    await h.queue.stop();
    expect(byId(id!).state).toBe('done');
    expect(await objectDigest(env.admin, env.cloud.bucket, `${h.target.keyPrefix}change/in-place.bin`)).toEqual({
      sha: edited,
      size: 16 * MiB,
    });
    expect(await incompleteUploads(env.admin, env.cloud.bucket, h.target.keyPrefix)).toEqual([]);
  });

  it('AccessDenied and bad input fail their transfer with a reason, the others complete', async () => {
    // A crafted target: the identity's credentials, but a prefix one level up, so that one destination
    // lands in the identity's own folder and the other in somebody else's.
    const other = newIdentityId();
    h.queue.setTarget({ ...h.target, keyPrefix: 'uploads/' });
    const ok = join(h.dir, 'ok.bin');
    writeFileSync(ok, 'fine');
    const okSha = sha256(Buffer.from('fine'));
    const denied = join(h.dir, 'denied.bin');
    writeRandomFile(denied, 6 * MiB);
    const small = join(h.dir, 'denied-small.bin');
    writeFileSync(small, 'x');
    h.queue.start();
    const ids = h.queue.add([
      { path: ok, destination: `${h.target.identityId}/ok.bin`, origin: drop },
      { path: denied, destination: `${other}/denied.bin`, origin: drop },
      { path: small, destination: `${other}/denied-small.bin`, origin: drop },
      { path: ok, destination: '../escape.bin', origin: drop },
      { path: join(h.dir, 'missing.bin'), destination: 'missing.bin', origin: drop },
    ]);
    await h.queue.whenIdle();
    const [okT, deniedT, smallT, escapeT, missingT] = ids.map(byId);
    expect(okT!.state).toBe('done');
    expect((await objectDigest(env.admin, env.cloud.bucket, `uploads/${h.target.identityId}/ok.bin`))?.sha).toBe(okSha);
    for (const t of [deniedT!, smallT!]) {
      expect(t.state).toBe('failed');
      expect(t.error).toMatchObject({ code: 'access_denied', retryable: false });
      expect(t.error!.message).toMatch(/access denied\. Your account is not allowed to write there/);
    }
    expect(escapeT!.error).toMatchObject({ code: 'invalid_destination' });
    expect(missingT!.error).toMatchObject({ code: 'file_missing' });
    expect(h.queue.totals().failed).toBe(4);
    expect(await incompleteUploads(env.admin, env.cloud.bucket, 'uploads/')).toEqual([]);
  });
});
