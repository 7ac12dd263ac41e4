// Buckets and objects on disk. Object data lives in "blob" files with random names (s3/blobs/); an object's
// metadata (key, size, ETag, checksums, headers, and the ordered list of blobs holding its bytes) is one
// JSON file per key under s3/buckets/<bucket>/objects/, named by the SHA-256 of the key, so no key can ever
// name a path outside the data folder. Committing an object = atomically renaming its metadata file into
// place: readers see the old or the new object, never a torn one, and concurrent writers each bring their
// own blobs so they never mix. A multipart object is a manifest of its part files, which were moved (renamed,
// not copied) into blobs/ at Complete: nothing is re-read or re-hashed. All metadata is also held in memory
// (loaded at start) so listing and HEAD cost no disk reads.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { mkdir, rename, rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomicSync } from '../storage/atomic.js';
import { randomHex } from '../storage/random-names.js';
import { KeyedLock } from '../storage/keyed-lock.js';
import type { ChecksumAlgorithm } from './checksums.js';

export interface BlobRef {
  blob: string; // file name in blobs/
  size: number;
  /** Part MD5 (hex) and checksum, kept for multipart objects (GET ?partNumber, composite checksums). */
  md5?: string;
  checksum?: string;
}

export interface ObjectRecord {
  key: string;
  size: number;
  etag: string; // with quotes, as on the wire
  lastModified: string; // ISO
  contentType: string;
  /** content-encoding, content-disposition, cache-control, content-language, expires: stored and returned. */
  headers: Record<string, string>;
  userMetadata: Record<string, string>;
  checksum?: { algorithm: ChecksumAlgorithm; value: string; type: 'FULL_OBJECT' | 'COMPOSITE' };
  multipart: boolean;
  blobs: BlobRef[];
}

export interface BucketRecord {
  name: string;
  created: string;
}

interface Bucket {
  record: BucketRecord;
  objects: Map<string, ObjectRecord>;
  sorted: string[] | undefined; // keys in UTF-8 byte order, rebuilt lazily after a change
}

const utf8Order = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

export class ObjectStore {
  private readonly buckets = new Map<string, Bucket>();
  private readonly lock = new KeyedLock();
  /** Metadata shard folders known to exist (saves a mkdir per PutObject). */
  private readonly metaDirs = new Set<string>();
  readonly blobsDir: string;
  readonly tmpDir: string;
  private readonly bucketsDir: string;

  constructor(readonly root: string) {
    this.blobsDir = join(root, 'blobs');
    this.tmpDir = join(root, 'tmp');
    this.bucketsDir = join(root, 'buckets');
    rmSync(this.tmpDir, { recursive: true, force: true }); // temp files of requests cut short by a stop
    for (const dir of [this.blobsDir, this.tmpDir, this.bucketsDir]) mkdirSync(dir, { recursive: true });
    this.load();
  }

  private load(): void {
    for (const name of readdirSync(this.bucketsDir)) {
      const bucketFile = join(this.bucketsDir, name, 'bucket.json');
      if (!existsSync(bucketFile)) continue;
      const bucket: Bucket = {
        record: JSON.parse(readFileSync(bucketFile, 'utf8')) as BucketRecord,
        objects: new Map(),
        sorted: undefined,
      };
      const objectsDir = join(this.bucketsDir, name, 'objects');
      for (const shard of existsSync(objectsDir) ? readdirSync(objectsDir) : []) {
        for (const file of readdirSync(join(objectsDir, shard))) {
          const path = join(objectsDir, shard, file);
          if (!file.endsWith('.json')) {
            rmSync(path, { force: true }); // a metadata temp file from an interrupted commit
            continue;
          }
          const record = JSON.parse(readFileSync(path, 'utf8')) as ObjectRecord;
          bucket.objects.set(record.key, record);
        }
      }
      this.buckets.set(name, bucket);
    }
  }

  /** Deletes blob files no object refers to (left by a crash between moving data and committing). */
  collectGarbage(extraLive: Set<string> = new Set()): void {
    const live = new Set(extraLive);
    for (const bucket of this.buckets.values())
      for (const o of bucket.objects.values()) for (const b of o.blobs) live.add(b.blob);
    for (const file of readdirSync(this.blobsDir))
      if (!live.has(file)) rmSync(join(this.blobsDir, file), { force: true });
  }

  /** A fresh temp file path for an incoming body (same file system as blobs/, so adopting it is a rename). */
  tempPath(): string {
    return join(this.tmpDir, randomHex(12));
  }

  blobPath(blob: string): string {
    return join(this.blobsDir, blob);
  }

  /**
   * A new blob's name and path, for a body written straight into blobs/ (no rename after): until an object
   * refers to it nothing reads it, and one left by a crash is collected at the next start.
   */
  newBlob(): { blob: string; path: string } {
    const blob = randomHex(16);
    return { blob, path: this.blobPath(blob) };
  }

  /** Moves a finished data file into blobs/ under a new random name. */
  async adopt(path: string): Promise<string> {
    const blob = randomHex(16);
    await rename(path, this.blobPath(blob));
    return blob;
  }

  // ---- buckets ----

  listBuckets(): BucketRecord[] {
    return [...this.buckets.values()].map((b) => b.record).sort((a, b) => utf8Order(a.name, b.name));
  }

  getBucket(name: string): BucketRecord | undefined {
    return this.buckets.get(name)?.record;
  }

  createBucketSync(name: string, now: Date): BucketRecord {
    const existing = this.buckets.get(name);
    if (existing) return existing.record;
    const record = { name, created: now.toISOString() };
    mkdirSync(join(this.bucketsDir, name, 'objects'), { recursive: true });
    writeFileAtomicSync(join(this.bucketsDir, name, 'bucket.json'), JSON.stringify(record));
    this.buckets.set(name, { record, objects: new Map(), sorted: undefined });
    return record;
  }

  /** Removes an empty bucket; false when objects remain. */
  async deleteBucket(name: string): Promise<boolean> {
    const bucket = this.buckets.get(name);
    if (!bucket) return true;
    if (bucket.objects.size > 0) return false;
    this.buckets.delete(name);
    for (const dir of this.metaDirs)
      if (dir.startsWith(join(this.bucketsDir, name, 'objects'))) this.metaDirs.delete(dir);
    await rm(join(this.bucketsDir, name), { recursive: true, force: true });
    return true;
  }

  // ---- objects ----

  get(bucketName: string, key: string): ObjectRecord | undefined {
    return this.buckets.get(bucketName)?.objects.get(key);
  }

  /** All keys of a bucket in S3's listing order (UTF-8 bytes). */
  sortedKeys(bucketName: string): string[] {
    const bucket = this.buckets.get(bucketName);
    if (!bucket) return [];
    bucket.sorted ??= [...bucket.objects.keys()].sort(utf8Order);
    return bucket.sorted;
  }

  objectCount(bucketName: string): number {
    return this.buckets.get(bucketName)?.objects.size ?? 0;
  }

  /** Commits an object whose blobs are already in blobs/; the previous version's blobs are deleted. */
  async put(bucketName: string, record: ObjectRecord): Promise<void> {
    await this.lock.run(`${bucketName}\n${record.key}`, async () => {
      const bucket = this.requireBucket(bucketName);
      const path = this.metaPath(bucketName, record.key);
      const dir = join(path, '..');
      if (!this.metaDirs.has(dir)) {
        await mkdir(dir, { recursive: true });
        this.metaDirs.add(dir); // at most 256 per bucket; never removed while the bucket exists
      }
      writeFileAtomicSync(path, JSON.stringify(record), { durable: false });
      const previous = bucket.objects.get(record.key);
      bucket.objects.set(record.key, record);
      if (!previous) bucket.sorted = undefined;
      if (previous) await this.removeBlobs(previous, record);
    });
  }

  async delete(bucketName: string, key: string): Promise<boolean> {
    return this.lock.run(`${bucketName}\n${key}`, async () => {
      const bucket = this.buckets.get(bucketName);
      const previous = bucket?.objects.get(key);
      if (!bucket || !previous) return false;
      await unlink(this.metaPath(bucketName, key)).catch(() => undefined);
      bucket.objects.delete(key);
      bucket.sorted = undefined;
      await this.removeBlobs(previous);
      return true;
    });
  }

  private requireBucket(name: string): Bucket {
    const bucket = this.buckets.get(name);
    if (!bucket) throw new Error(`no bucket ${name}`);
    return bucket;
  }

  private metaPath(bucket: string, key: string): string {
    const hash = createHash('sha256').update(key).digest('hex');
    return join(this.bucketsDir, bucket, 'objects', hash.slice(0, 2), `${hash}.json`);
  }

  /** Readers that already opened a blob keep reading it (POSIX); where unlink fails, GC at start cleans up. */
  private async removeBlobs(previous: ObjectRecord, keep?: ObjectRecord): Promise<void> {
    const kept = new Set(keep?.blobs.map((b) => b.blob));
    for (const b of previous.blobs) if (!kept.has(b.blob)) await unlink(this.blobPath(b.blob)).catch(() => undefined);
  }
}
