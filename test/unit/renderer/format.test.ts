// What the window shows for numbers and states: decimal units, short durations, plain-language states.
import { describe, expect, it } from 'vitest';
import type { Transfer } from '../../../electron/common/contract.js';
import { formatBytes, formatEta, formatPercent, formatRate } from '../../../renderer/src/components/format.js';
import { matches } from '../../../renderer/src/features/transfers/filters.js';
import { stateText } from '../../../renderer/src/features/transfers/state.js';

const transfer = (state: Transfer['state'], extra: Partial<Transfer> = {}): Transfer => ({
  id: 't',
  name: 'a.txt',
  sourcePath: '/a.txt',
  destination: 'a.txt',
  size: 10,
  bytesDone: 0,
  state,
  rate: 0,
  origin: { kind: 'drop' },
  createdAt: 0,
  ...extra,
});

describe('format', () => {
  it('sizes and speeds', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1500)).toBe('1.5 kB');
    expect(formatBytes(12_400_000)).toBe('12.4 MB');
    expect(formatBytes(250e9)).toBe('250 GB');
    expect(formatBytes(-1)).toBe('—');
    expect(formatRate(0)).toBe('—');
    expect(formatRate(2_000_000)).toBe('2.0 MB/s');
  });
  it('time left and percent', () => {
    expect(formatEta(undefined)).toBe('—');
    expect(formatEta(42)).toBe('42 s');
    expect(formatEta(150)).toBe('3 min');
    expect(formatEta(3600)).toBe('1 h');
    expect(formatEta(4000)).toBe('1 h 7 min');
    expect(formatPercent(1, 3)).toBe('33%');
    expect(formatPercent(0, 0)).toBe('0%');
  });
});

describe('transfer states and filters', () => {
  it('says why a transfer waits or failed', () => {
    expect(stateText(transfer('waiting', { waitingFor: 'network' }))).toBe('Waiting for the network');
    expect(
      stateText(transfer('failed', { error: { code: 'gone', message: 'The file was deleted', retryable: false } })),
    ).toBe('Failed: The file was deleted');
  });
  it('puts every state in the right filter', () => {
    expect(matches('active', transfer('paused'))).toBe(true);
    expect(matches('active', transfer('done'))).toBe(false);
    expect(matches('done', transfer('done'))).toBe(true);
    expect(matches('failed', transfer('failed'))).toBe(true);
    expect(matches('all', transfer('cancelled'))).toBe(true);
  });
});
