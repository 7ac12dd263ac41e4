// What the transfer queue offers and needs: its dependencies, its upload target and its command
// surface. Types only; `queue.ts` re-exports them for its users.
import type { S3Client } from '@aws-sdk/client-s3';
import type { EventPayload, Settings, Totals, Transfer, TransferFilter } from '../../common/contract.js';
import type { Clock } from '../platform/clock.js';
import type { Logger } from '../platform/log.js';
import type { StateDb } from '../state/db.js';
import type { JournalState } from './journal.js';
import type { PartBufferPool } from './part-buffers.js';
import type { PutRoutes } from './s3-client.js';
import type { SmallFileReader } from './small-file-reader.js';

export interface UploadTarget {
  s3: S3Client;
  bucket: string;
  /** 'uploads/<identityId>/' */
  keyPrefix: string;
  identityId: string;
  /** Called when S3 answers ExpiredToken/InvalidToken: make the client's next request use fresh credentials. */
  refreshCredentials?: () => Promise<void>;
  /** Called while S3 does not answer: the place it is reached at may have moved (a new target follows). */
  onUnreachable?: () => void;
}

export type QueueEventName = 'transfers.changed' | 'transfers.removed' | 'transfers.invalidated' | 'totals';
export type QueueEmit = <E extends QueueEventName>(event: E, payload: EventPayload<E>) => void;

export interface TransferQueueDeps {
  db: StateDb;
  settings: () => Settings;
  emit: QueueEmit;
  /** Timestamps and the progress publishing timer (a fake one in tests). */
  clock?: Clock;
  /** Configured part size (default 8 MiB); grows with the file to stay within 10,000 parts. */
  partSize?: number;
  /**
   * The engine's upload services (created and stopped by createEngine). Each one left out is made for
   * this queue alone and stopped with it.
   */
  partBuffers?: PartBufferPool;
  smallFiles?: SmallFileReader;
  putRoutes?: PutRoutes;
  /** Where swallowed failures (a janitor pass that could not finish) are noted; silent by default. */
  log?: Logger;
}

export interface TransferQueue {
  setTarget(target: UploadTarget | undefined): void;
  /** `ino`: the inode a scan found there; another file at the path then is refused (platform/safe-open.ts). */
  add(items: Array<{ path: string; destination: string; origin: Transfer['origin']; ino?: string }>): string[];
  pause(id: string): Promise<void>;
  resume(id: string): void;
  /** Cancels an unfinished transfer; a finished one is refused (AlreadyUploadedError). */
  cancel(id: string): Promise<void>;
  /**
   * Cancels every unfinished transfer (queued, running, paused) and returns how many: nothing starts
   * while it runs, and one that completes while being stopped stays done.
   */
  cancelAll(): Promise<number>;
  retry(id: string): void;
  pauseAll(): Promise<void>;
  resumeAll(): void;
  clearHistory(): void;
  /** Newest first; `page` cuts one window of it. Read from the journal: nothing keeps every row in memory. */
  list(filter?: TransferFilter, page?: { offset?: number; limit?: number }): Transfer[];
  /** The journal's state of a transfer ("queued" for any unfinished one not paused), or undefined once it is gone. */
  stateOf(id: string): Extract<Transfer['state'], JournalState> | undefined;
  /** Transfers that write `destination`, newest first: who they are, not their views (checked once per file queued). */
  byDestination(destination: string): Array<{ id: string; sourcePath: string; state: JournalState }>;
  /** Unfinished transfers a watched folder queued. */
  unfinishedOfFolder(folderId: string): string[];
  totals(): Totals;
  /**
   * Resolves when nothing can make progress: no transfer running, and none queued that could start
   * (signed out, paused all, or other identities' transfers count as idle). Before start() it is idle.
   */
  whenIdle(): Promise<void>;
  /** Settings changed (filesInParallel may have grown): start what now fits. */
  settingsChanged(): void;
  /**
   * Starts scheduling. Once `signal` aborts (the engine is stopping) nothing new starts; stop() ends the
   * runs. Tests that drive a queue alone may leave the signal out.
   */
  start(signal?: AbortSignal): void;
  stop(): Promise<void>;
}
