// What to do with a file found on disk, given what the state DB remembers about it. Pure, so every
// case is a unit test. A file whose uploaded version is unchanged is never sent again, across
// restarts too; when only the mtime or the change time moved, the content hash decides (touch, restore
// from backup, a rewrite in place with the mtime put back).
import type { TransferState } from '../../common/contract.js';

export type FileRowState = 'queued' | 'uploaded' | 'failed' | 'cancelled';

export interface FileVersionInfo {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
}

export interface StoredFile {
  size: number;
  mtimeMs: number;
  /** Null when recorded by a Hoist that did not keep it: the mtime alone decides then. */
  ctimeMs: number | null;
  state: FileRowState;
  /** sha256 (hex) of the stored version, when it was computed. */
  hash: string | null;
  transferId: string | null;
}

export type Decision =
  /** Unknown or changed: wait for it to be stable, then queue it. */
  | 'upload'
  /** Already uploaded (or deliberately cancelled / failed) in this very version. */
  | 'skip'
  /** Its transfer is still in the queue, which reads the newest version when it starts. */
  | 'in-queue'
  /** Same size, different mtime or change time: compare the content hash before sending it again. */
  | 'compare-hash';

const activeStates: ReadonlySet<TransferState> = new Set(['queued', 'uploading', 'paused', 'waiting', 'verifying']);

export function isActive(state: TransferState | undefined): boolean {
  return state !== undefined && activeStates.has(state);
}

/**
 * @param transferState the state of stored.transferId in the queue, or undefined when the queue no
 *   longer knows it (history cleared, or never reached it).
 */
export function decide(
  stored: StoredFile | undefined,
  current: FileVersionInfo,
  transferState: TransferState | undefined,
): Decision {
  if (!stored) return 'upload';
  if (stored.state === 'queued') {
    if (isActive(transferState)) return 'in-queue';
    // The queue lost it (or it finished while nobody listened, which start-up reconciles first):
    // safer to send it again than to assume it arrived.
    if (transferState !== 'done') return 'upload';
  }
  if (stored.size !== current.size) return 'upload';
  if (stored.mtimeMs === current.mtimeMs && (stored.ctimeMs === null || stored.ctimeMs === current.ctimeMs))
    return 'skip';
  // A failed or cancelled version that changed since is a new version to send.
  if (stored.state !== 'uploaded' && !(stored.state === 'queued' && transferState === 'done')) return 'upload';
  return stored.hash ? 'compare-hash' : 'upload';
}
