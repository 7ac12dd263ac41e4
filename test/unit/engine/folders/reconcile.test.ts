import { describe, expect, it } from 'vitest';
import { decide, type StoredFile } from '../../../../electron/engine/folders/reconcile.js';

const stored = (over: Partial<StoredFile> = {}): StoredFile => ({
  size: 100,
  mtimeMs: 5_000,
  ctimeMs: 5_000,
  state: 'uploaded',
  hash: 'abc',
  transferId: 't1',
  ...over,
});
const same = { size: 100, mtimeMs: 5_000, ctimeMs: 5_000 };

describe('reconcile decisions', () => {
  it('uploads files it has never seen', () => {
    expect(decide(undefined, same, undefined)).toBe('upload');
  });

  it('skips an uploaded, unchanged file (restart or rescan)', () => {
    expect(decide(stored(), same, undefined)).toBe('skip');
    expect(decide(stored(), same, 'done')).toBe('skip');
  });

  it('uploads an uploaded file whose size changed', () => {
    expect(decide(stored(), { size: 101, mtimeMs: 5_000, ctimeMs: 5_000 }, undefined)).toBe('upload');
  });

  it('compares the content hash when only the mtime moved', () => {
    expect(decide(stored(), { size: 100, mtimeMs: 9_000, ctimeMs: 9_000 }, undefined)).toBe('compare-hash');
    expect(decide(stored({ hash: null }), { size: 100, mtimeMs: 9_000, ctimeMs: 9_000 }, undefined)).toBe('upload');
  });

  it('compares the content hash when only the change time moved (rewritten in place, mtime put back)', () => {
    expect(decide(stored(), { size: 100, mtimeMs: 5_000, ctimeMs: 9_000 }, undefined)).toBe('compare-hash');
    expect(decide(stored({ hash: null }), { size: 100, mtimeMs: 5_000, ctimeMs: 9_000 }, undefined)).toBe('upload');
    // Recorded before change times were kept: the mtime alone decides, so an upgrade sends nothing again.
    expect(decide(stored({ ctimeMs: null }), { size: 100, mtimeMs: 5_000, ctimeMs: 9_000 }, undefined)).toBe('skip');
  });

  it('leaves a file whose transfer is still in the queue to the queue', () => {
    for (const state of ['queued', 'uploading', 'paused', 'waiting', 'verifying'] as const) {
      expect(decide(stored({ state: 'queued' }), { size: 1, mtimeMs: 1, ctimeMs: 1 }, state)).toBe('in-queue');
    }
  });

  it('sends again a queued file whose transfer the queue no longer knows', () => {
    expect(decide(stored({ state: 'queued' }), same, undefined)).toBe('upload');
    expect(decide(stored({ state: 'queued' }), same, 'failed')).toBe('upload');
  });

  it('treats a queued file whose transfer is done like an uploaded one', () => {
    expect(decide(stored({ state: 'queued' }), same, 'done')).toBe('skip');
    expect(decide(stored({ state: 'queued' }), { size: 100, mtimeMs: 1, ctimeMs: 1 }, 'done')).toBe('compare-hash');
  });

  it('does not repeat a cancelled or failed version, but sends a changed one', () => {
    expect(decide(stored({ state: 'cancelled' }), same, undefined)).toBe('skip');
    expect(decide(stored({ state: 'failed' }), same, 'failed')).toBe('skip');
    expect(decide(stored({ state: 'cancelled' }), { size: 100, mtimeMs: 6_000, ctimeMs: 6_000 }, undefined)).toBe(
      'upload',
    );
    expect(decide(stored({ state: 'failed' }), { size: 7, mtimeMs: 5_000, ctimeMs: 5_000 }, 'failed')).toBe('upload');
  });
});
