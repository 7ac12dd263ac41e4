// What an upload strategy (single PUT or multipart) gets from the queue for one attempt.
import type { S3Client } from '@aws-sdk/client-s3';
import type { Journal, FileVersion } from './journal.js';
import type { RequestBudget } from './budget.js';
import type { NetworkGate } from './request.js';
import type { TokenBucket } from './token-bucket.js';
import type { PartBufferPool } from './part-buffers.js';
import type { PutRoutes } from './s3-client.js';
import type { SmallFileReader } from './small-file-reader.js';
import type { SourceFile } from './source-file.js';

export interface UploadContext {
  id: string;
  sourcePath: string;
  version: FileVersion;
  bucketName: string;
  key: string;
  identityId: string;
  s3: S3Client;
  journal: Journal;
  /** Aborted on pause, cancel, stop or a new target: in-flight requests stop at once. */
  signal: AbortSignal;
  budget: RequestBudget;
  bandwidth: TokenBucket;
  gate: NetworkGate;
  partBuffers: PartBufferPool;
  smallFiles: SmallFileReader;
  putRoutes: PutRoutes;
  partSize: number;
  /** The file opened for this attempt, read only through its descriptor (absent for small files). */
  source?: SourceFile;
  /** The whole file, already read as `version` (small files): not read again. */
  contents?: Buffer;
  partsInParallel: () => number;
  refreshCredentials?: () => Promise<void>;
  /** Bytes sent (negative to take back bytes of a failed attempt). */
  onBytes(n: number): void;
  onWaiting(reason: 'network' | undefined): void;
  onVerifying(): void;
  /** Re-read the bandwidth limit (settings may change at any time). */
  beforeChunk(): void;
}
