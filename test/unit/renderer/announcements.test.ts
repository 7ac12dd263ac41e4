// What the live region says about transfers: each arrival at "done" or "failed" once, batched into one
// sentence, and nothing for progress.
import { describe, expect, it } from 'vitest';
import type { Transfer } from '../../../electron/common/contract.js';
import { FinishedTransfers } from '../../../renderer/src/features/announce/finished.js';

const transfer = (id: string, state: Transfer['state'], bytesDone = 0): Transfer => ({
  id,
  name: `${id}.txt`,
  sourcePath: `/tmp/${id}.txt`,
  destination: `${id}.txt`,
  size: 100,
  bytesDone,
  state,
  rate: 0,
  origin: { kind: 'drop' },
  createdAt: 1,
});

describe('FinishedTransfers', () => {
  it('says nothing for progress, queueing or pausing', () => {
    const finished = new FinishedTransfers();
    expect(finished.add([transfer('a', 'queued'), transfer('b', 'uploading', 10)])).toBe(false);
    expect(finished.add([transfer('b', 'uploading', 50), transfer('a', 'paused')])).toBe(false);
    expect(finished.take()).toBe('');
  });

  it('says each finish once, however often the finished transfer is sent again', () => {
    const finished = new FinishedTransfers();
    finished.add([transfer('a', 'uploading', 10)]);
    expect(finished.add([transfer('a', 'done', 100)])).toBe(true);
    expect(finished.add([transfer('a', 'done', 100)])).toBe(false);
    expect(finished.take()).toBe('Uploaded a.txt.');
    expect(finished.take()).toBe('');
  });

  it('gathers a batch into one sentence, naming three and counting the rest', () => {
    const finished = new FinishedTransfers();
    finished.add(['a', 'b', 'c', 'd', 'e'].map((id) => transfer(id, 'done', 100)));
    finished.add([transfer('x', 'failed'), transfer('y', 'failed')]);
    expect(finished.take()).toBe('5 files uploaded: a.txt, b.txt, c.txt and 2 more. 2 files failed: x.txt and y.txt.');
  });

  it('says a retried transfer that fails again, and forgets removed ones', () => {
    const finished = new FinishedTransfers();
    finished.add([transfer('a', 'failed')]);
    finished.add([transfer('a', 'queued')]);
    finished.add([transfer('a', 'failed')]);
    expect(finished.take()).toBe('2 files failed: a.txt and a.txt.');
    finished.forget(['a']);
    finished.add([transfer('a', 'failed')]);
    expect(finished.take()).toBe('a.txt failed.');
  });
});
