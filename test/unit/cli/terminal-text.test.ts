// What the command line prints for sizes, rates and untrusted text (file names, server messages):
// one table per function, so the covered inputs are visible at a glance.
import { describe, expect, it } from 'vitest';
import { formatBytes, printable } from '../../../electron/cli/format.js';
import { createProgressView } from '../../../electron/cli/progress.js';
import type { Transfer } from '../../../electron/common/contract.js';
import { createLogger } from '../../../electron/engine/platform/log.js';

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [1, '1 B'],
    [1014.9999999999999, '1015 B'], // a rate: bytes over seconds is rarely whole
    [1023.4, '1023 B'],
    [1023.6, '1.0 KiB'],
    [1024, '1.0 KiB'],
    [1536, '1.5 KiB'],
    [5 * 1024 ** 3, '5.0 GiB'],
  ])('%d bytes → %s', (bytes, expected) => {
    expect(formatBytes(bytes)).toBe(expected);
  });
});

describe('printable', () => {
  it.each([
    ['plain name.txt', 'plain name.txt'],
    ['e\u001b[31mred', 'e\\e[31mred'],
    ['line\nbreak', 'line\\nbreak'],
    ['back\\slash', 'back\\\\slash'],
    ['c1\u009bcsi', 'c1\\x9bcsi'],
    ['del\u007f', 'del\\x7f'],
  ])('%j → %j', (text, expected) => {
    expect(printable(text)).toBe(expected);
  });
});

describe('the --verbose log text', () => {
  it('escapes control characters in the message and in every field value', () => {
    const lines: string[] = [];
    const log = createLogger({ sink: (line) => lines.push(line), level: 'debug', format: 'text' });
    log.warn('not queued: e\u001b[31mred', { path: '/tmp/e\u001b[31mred', detail: { name: 'x\u001b]0;title\u0007' } });
    expect(lines).toHaveLength(1);
    // eslint-disable-next-line no-control-regex -- the point: no control character may be left
    expect(lines[0]).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    expect(lines[0]).toContain('not queued: e\\e[31mred');
    expect(lines[0]).toContain('path=/tmp/e\\e[31mred');
  });
});

describe('the progress lines (not a terminal)', () => {
  it('escapes names, destinations and error messages', () => {
    let written = '';
    const stream = { isTTY: false, write: (s: string) => ((written += s), true) } as unknown as NodeJS.WriteStream;
    const view = createProgressView(stream);
    const transfer: Transfer = {
      id: 't1',
      name: 'e\u001b[31mred',
      sourcePath: '/tmp/e\u001b[31mred',
      destination: 'e\u001b[31mred',
      size: 10,
      bytesDone: 0,
      state: 'failed',
      error: { code: 'x', message: 'gone: e\u001b[31mred', retryable: false },
      rate: 0,
      origin: { kind: 'drop' },
      createdAt: 0,
    };
    view.update([transfer]);
    expect(written).not.toContain('\u001b');
    expect(written).toContain('e\\e[31mred');
  });
});
