// Folder sync end to end: real temporary folders, real SQLite, the real transfer queue, and the real
// local cloud over HTTP. Objects are read back with the admin client; the cloud's request log shows
// what was (and was not) sent.
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { Folder, Settings, Transfer } from '../../../../electron/common/contract.js';
import { createFolderSync, type FolderSync } from '../../../../electron/engine/folders/index.js';
import { openStateDb, type StateDb } from '../../../../electron/engine/state/db.js';
import { createTransferQueue, type TransferQueue } from '../../../../electron/engine/transfers/queue.js';
import {
  adminClient,
  type Cloud,
  identityClient,
  newIdentityId,
  startCloud,
  tempDir,
  testSettings,
} from '../transfers/helpers.js';

export { tempDir };

export interface Env {
  cloud: Cloud;
  admin: S3Client;
  close(): Promise<void>;
}

export async function startEnv(): Promise<Env> {
  const dir = tempDir('hoist-folders-cloud-');
  const cloud = await startCloud(dir.path);
  return {
    cloud,
    admin: adminClient(cloud),
    async close() {
      await cloud.close();
      dir.remove();
    },
  };
}

export interface Sync {
  /** The watched tree lives under here; the data folder is elsewhere. */
  home: string;
  dataDir: string;
  identityId: string;
  prefix: string;
  settings: Settings;
  db: StateDb;
  queue: TransferQueue;
  sync: FolderSync;
  folderEvents: Folder[][];
  /** Start (or start again after close(), with the same data folder). */
  open(): Promise<void>;
  close(): Promise<void>;
  /** Keys under the user's prefix, without the prefix. */
  keys(): Promise<string[]>;
  object(relativeKey: string): Promise<Buffer>;
  /** Requests the cloud received that stored something for this user (PutObject / CreateMultipartUpload). */
  writes(relativeKey?: string): string[];
  folder(id: string): Folder;
  settle(): Promise<void>;
  remove(): void;
}

export function makeSync(env: Env, settings: Partial<Settings> = {}): Sync {
  const work = tempDir('hoist-folders-');
  const home = join(work.path, 'home');
  const dataDir = join(work.path, 'data');
  mkdirSync(home);
  const identityId = newIdentityId();
  const prefix = `uploads/${identityId}/`;
  const listeners = { changed: new Set<(t: Transfer[]) => void>(), removed: new Set<(ids: string[]) => void>() };
  const s: Sync = {
    home,
    dataDir,
    identityId,
    prefix,
    settings: testSettings({ stabilityWindowMs: 500, filesInParallel: 8, ...settings }),
    db: undefined as unknown as StateDb,
    queue: undefined as unknown as TransferQueue,
    sync: undefined as unknown as FolderSync,
    folderEvents: [],
    async open() {
      s.db = openStateDb(join(dataDir, 'state.db'));
      s.queue = createTransferQueue({
        db: s.db,
        settings: () => s.settings,
        emit: (event, payload) => {
          if (event === 'transfers.changed')
            for (const l of listeners.changed) l((payload as { transfers: Transfer[] }).transfers);
          if (event === 'transfers.removed') for (const l of listeners.removed) l((payload as { ids: string[] }).ids);
        },
      });
      s.queue.setTarget({
        s3: identityClient(env.cloud, identityId),
        bucket: env.cloud.bucket,
        keyPrefix: prefix,
        identityId,
      });
      s.queue.start();
      s.sync = createFolderSync({
        db: s.db,
        queue: s.queue,
        onTransferChanged: (l) => (listeners.changed.add(l), () => listeners.changed.delete(l)),
        onTransfersRemoved: (l) => (listeners.removed.add(l), () => listeners.removed.delete(l)),
        settings: () => s.settings,
        emit: (_event, payload) => s.folderEvents.push(payload.folders),
        rootPollMs: 200,
        emitThrottleMs: 20,
      });
      await s.sync.start();
    },
    async close() {
      await s.sync.stop();
      await s.queue.stop();
      s.db.close();
    },
    async keys() {
      const out: string[] = [];
      let token: string | undefined;
      do {
        const res = await env.admin.send(
          new ListObjectsV2Command({ Bucket: env.cloud.bucket, Prefix: prefix, ContinuationToken: token }),
        );
        for (const o of res.Contents ?? []) out.push(o.Key!.slice(prefix.length));
        token = res.IsTruncated ? res.NextContinuationToken : undefined;
      } while (token);
      return out.sort();
    },
    async object(key) {
      const res = await env.admin.send(new GetObjectCommand({ Bucket: env.cloud.bucket, Key: prefix + key }));
      return Buffer.from(await res.Body!.transformToByteArray());
    },
    writes(key) {
      return env.cloud.requestLog
        .entries()
        .filter(
          (e) =>
            (e.operation === 'PutObject' || e.operation === 'CreateMultipartUpload') &&
            e.status < 300 &&
            e.key?.startsWith(prefix),
        )
        .map((e) => e.key!.slice(prefix.length))
        .filter((k) => key === undefined || k === key);
    },
    folder(id) {
      const f = s.sync.list().find((x) => x.id === id);
      if (!f) throw new Error(`no folder ${id}`);
      return f;
    },
    /** Nothing scanning, waiting or queued, and the queue idle. */
    async settle() {
      await expect.poll(() => s.sync.idle(), { timeout: 60_000, interval: 50 }).toBe(true);
      await s.queue.whenIdle();
      await expect.poll(() => s.sync.idle(), { timeout: 60_000, interval: 50 }).toBe(true);
    },
    remove: () => work.remove(),
  };
  return s;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
