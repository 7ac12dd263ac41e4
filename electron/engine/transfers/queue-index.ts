// What the queue keeps in memory of the transfers that are not running: their order, state bucket,
// size and identity, never their paths or errors (those stay in the journal, read when needed). With a
// 100,000-file folder queued this is ~100 bytes a transfer instead of a full row; finished transfers
// cost a count only.
import type { IndexRow, JournalState } from './journal.js';

export type Bucket = 'pending' | 'paused' | 'failed' | 'done';

export function bucketOf(state: JournalState): Bucket {
  return state === 'queued' || state === 'uploading' || state === 'verifying' ? 'pending' : state;
}

/** A journal-active transfer as the scheduler sees it. */
export interface PendingEntry {
  size: number;
  identityId: string | undefined;
}

export class QueueIndex {
  /** Journal-active transfers (queued/uploading/verifying) in queue order. */
  readonly pending = new Map<string, PendingEntry>();
  /** Paused transfers and their sizes. */
  readonly paused = new Map<string, number>();
  private readonly failed = new Set<string>();
  private doneCount = 0;
  private pendingSum = 0;
  private pausedSum = 0;

  /** Where `id` is; undefined for a finished transfer or one the journal no longer has. */
  bucket(id: string): Exclude<Bucket, 'done'> | undefined {
    if (this.pending.has(id)) return 'pending';
    if (this.paused.has(id)) return 'paused';
    if (this.failed.has(id)) return 'failed';
    return undefined;
  }

  /** A transfer the index has not seen (loaded at start, or just added). */
  insert(row: IndexRow): void {
    this.enter(row, bucketOf(row.state));
  }

  /**
   * A known transfer's row as the journal now has it. An id in no bucket is taken to be done (finished
   * transfers are only counted), so this must not be called for ids the index never saw.
   */
  update(row: IndexRow): void {
    const to = bucketOf(row.state);
    const from = this.bucket(row.id) ?? 'done';
    if (from === to) {
      // Same bucket: keep its place in the queue, follow its size (a new version of the file).
      if (to === 'pending') {
        const entry = this.pending.get(row.id)!;
        this.pendingSum += row.size - entry.size;
        entry.size = row.size;
        entry.identityId = row.identityId;
      } else if (to === 'paused') {
        this.pausedSum += row.size - this.paused.get(row.id)!;
        this.paused.set(row.id, row.size);
      }
      return;
    }
    this.leave(row.id, from);
    this.enter(row, to);
  }

  /** A transfer that left the journal; `wasDone` when the caller knows it had finished. */
  remove(id: string, wasDone: boolean): void {
    const from = this.bucket(id);
    if (from) this.leave(id, from);
    else if (wasDone) this.doneCount--;
  }

  /** Finished transfers left the journal all at once (clear history). */
  forgetDone(count: number): void {
    this.doneCount = Math.max(0, this.doneCount - count);
  }

  sizeOf(id: string): number | undefined {
    return this.pending.get(id)?.size ?? this.paused.get(id);
  }

  counts(): { pending: number; paused: number; failed: number; done: number; all: number; bytes: number } {
    const pending = this.pending.size;
    const paused = this.paused.size;
    const failed = this.failed.size;
    return {
      pending,
      paused,
      failed,
      done: this.doneCount,
      all: pending + paused + failed + this.doneCount,
      bytes: this.pendingSum + this.pausedSum,
    };
  }

  private enter(row: IndexRow, to: Bucket): void {
    if (to === 'pending') {
      this.pending.set(row.id, { size: row.size, identityId: row.identityId });
      this.pendingSum += row.size;
    } else if (to === 'paused') {
      this.paused.set(row.id, row.size);
      this.pausedSum += row.size;
    } else if (to === 'failed') this.failed.add(row.id);
    else this.doneCount++;
  }

  private leave(id: string, from: Bucket): void {
    if (from === 'pending') {
      this.pendingSum -= this.pending.get(id)?.size ?? 0;
      this.pending.delete(id);
    } else if (from === 'paused') {
      this.pausedSum -= this.paused.get(id) ?? 0;
      this.paused.delete(id);
    } else if (from === 'failed') this.failed.delete(id);
    else this.doneCount--;
  }
}
