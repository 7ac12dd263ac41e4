// Multipart uploads on disk: s3/uploads/<uploadId>/upload.json plus, per part, its data file and a small
// JSON record (size, MD5, checksum) written after the data, atomically. Every UploadPart attempt writes its
// own data file, so a re-sent part replaces the old one cleanly. The per-part MD5s and checksums recorded
// here are all CompleteMultipartUpload needs: the ETag and composite checksum come from them, and the part
// files are then moved (renamed) into the object store, never read again.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { mkdir, rename, rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomicSync } from '../storage/atomic.js';
import { randomHex } from '../storage/random-names.js';
import { KeyedLock } from '../storage/keyed-lock.js';
import type { ChecksumAlgorithm } from './checksums.js';

export interface UploadRecord {
  uploadId: string;
  bucket: string;
  key: string;
  initiated: string; // ISO
  checksumAlgorithm?: ChecksumAlgorithm;
  checksumType?: 'COMPOSITE' | 'FULL_OBJECT';
  contentType: string;
  headers: Record<string, string>;
  userMetadata: Record<string, string>;
  initiator: string; // principal description, for ListMultipartUploads
}

export interface PartRecord {
  partNumber: number;
  file: string; // data file name inside the upload folder
  size: number;
  md5: string; // hex
  checksum?: string; // base64, of the upload's checksum algorithm
  lastModified: string;
}

interface Upload {
  record: UploadRecord;
  parts: Map<number, PartRecord>;
}

export interface CompletedUpload {
  bucket: string;
  key: string;
  etag: string;
  checksum?: { algorithm: ChecksumAlgorithm; value: string; type: 'FULL_OBJECT' | 'COMPOSITE' };
}

export class UploadStore {
  private readonly uploads = new Map<string, Upload>();
  /** Recently completed uploads (memory only), so a repeated Complete answers like the first one, as S3 does. */
  readonly completed = new Map<string, CompletedUpload>();
  readonly lock = new KeyedLock();
  private readonly dir: string;

  constructor(root: string) {
    this.dir = join(root, 'uploads');
    mkdirSync(this.dir, { recursive: true });
    this.load();
  }

  private load(): void {
    for (const id of readdirSync(this.dir)) {
      const uploadFile = join(this.dir, id, 'upload.json');
      if (!existsSync(uploadFile)) {
        rmSync(join(this.dir, id), { recursive: true, force: true }); // half-created or half-removed
        continue;
      }
      const upload: Upload = { record: JSON.parse(readFileSync(uploadFile, 'utf8')) as UploadRecord, parts: new Map() };
      const files = new Set(readdirSync(join(this.dir, id)));
      for (const file of files) {
        if (!/^part-\d+\.json$/.test(file)) continue;
        const part = JSON.parse(readFileSync(join(this.dir, id, file), 'utf8')) as PartRecord;
        if (files.has(part.file)) upload.parts.set(part.partNumber, part);
      }
      // Data files no record points to: attempts cut short by a crash or superseded by a re-sent part.
      const live = new Set([...upload.parts.values()].map((p) => p.file));
      for (const file of files)
        if (file.endsWith('.bin') && !live.has(file)) rmSync(join(this.dir, id, file), { force: true });
      this.uploads.set(id, upload);
    }
  }

  async create(record: Omit<UploadRecord, 'uploadId'>): Promise<UploadRecord> {
    // Hex, not base64url: an id starting with '-' reads as an option to command lines (aws --upload-id -x…).
    const uploadId = randomHex(32);
    const full: UploadRecord = { uploadId, ...record };
    await mkdir(join(this.dir, uploadId), { recursive: true });
    writeFileAtomicSync(join(this.dir, uploadId, 'upload.json'), JSON.stringify(full), { durable: false });
    this.uploads.set(uploadId, { record: full, parts: new Map() });
    return full;
  }

  get(uploadId: string): UploadRecord | undefined {
    return this.uploads.get(uploadId)?.record;
  }

  /** Uploads in ListMultipartUploads order: key (UTF-8), then initiation time. */
  list(bucket: string): UploadRecord[] {
    return [...this.uploads.values()]
      .map((u) => u.record)
      .filter((r) => r.bucket === bucket)
      .sort(
        (a, b) =>
          Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)) ||
          a.initiated.localeCompare(b.initiated) ||
          a.uploadId.localeCompare(b.uploadId),
      );
  }

  parts(uploadId: string): PartRecord[] {
    return [...(this.uploads.get(uploadId)?.parts.values() ?? [])].sort((a, b) => a.partNumber - b.partNumber);
  }

  partPath(uploadId: string, part: PartRecord): string {
    return join(this.dir, uploadId, part.file);
  }

  /** Records a received part (data already complete in `tempPath`); false when the upload is gone. */
  async putPart(uploadId: string, part: Omit<PartRecord, 'file'>, tempPath: string): Promise<boolean> {
    return this.lock.run(uploadId, async () => {
      const upload = this.uploads.get(uploadId);
      if (!upload) return false;
      const file = `part-${part.partNumber}-${randomHex(8)}.bin`;
      await rename(tempPath, join(this.dir, uploadId, file));
      const record: PartRecord = { ...part, file };
      writeFileAtomicSync(join(this.dir, uploadId, `part-${part.partNumber}.json`), JSON.stringify(record), {
        durable: false,
      });
      const previous = upload.parts.get(part.partNumber);
      upload.parts.set(part.partNumber, record);
      if (previous) await unlink(join(this.dir, uploadId, previous.file)).catch(() => undefined);
      return true;
    });
  }

  /** Forgets an upload and deletes its folder (parts already moved out by Complete are not there any more). */
  async remove(uploadId: string): Promise<void> {
    this.uploads.delete(uploadId);
    await rm(join(this.dir, uploadId), { recursive: true, force: true });
  }

  rememberCompleted(uploadId: string, result: CompletedUpload): void {
    this.completed.set(uploadId, result);
    if (this.completed.size > 10_000) this.completed.delete(this.completed.keys().next().value ?? '');
  }

  /** Upload ids initiated before `cutoff` (the lifecycle rule's sweep). */
  olderThan(cutoff: Date): string[] {
    return [...this.uploads.values()]
      .filter((u) => Date.parse(u.record.initiated) < cutoff.getTime())
      .map((u) => u.record.uploadId);
  }
}
