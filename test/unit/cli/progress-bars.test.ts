// The terminal progress view (a TTY): a summary line and bars for running transfers only. The stream
// is a stand-in that records what cli-progress writes, since a test has no terminal.
import { describe, expect, it } from 'vitest';
import { createProgressView, describeTotals } from '../../../electron/cli/progress.js';
import type { Totals, Transfer } from '../../../electron/common/contract.js';

const ESC = '\u001b';

function terminal() {
  let written = '';
  const stream = {
    isTTY: true,
    columns: 200,
    rows: 50,
    write: (s: string) => ((written += s), true),
    cursorTo: (_x: number, _y?: number, cb?: () => void) => (cb?.(), true),
    moveCursor: (_dx: number, _dy: number, cb?: () => void) => (cb?.(), true),
    clearLine: (_dir: number, cb?: () => void) => (cb?.(), true),
    clearScreenDown: (cb?: () => void) => (cb?.(), true),
    on: () => stream,
    removeListener: () => stream,
  };
  return { stream: stream as unknown as NodeJS.WriteStream, written: () => written };
}

function transfer(n: number, state: Transfer['state'], extra: Partial<Transfer> = {}): Transfer {
  return {
    id: `t${n}`,
    name: `file-${n}.bin`,
    sourcePath: `/tmp/file-${n}.bin`,
    destination: `file-${n}.bin`,
    size: 4096,
    bytesDone: state === 'done' ? 4096 : 1024,
    state,
    rate: 0,
    origin: { kind: 'drop' },
    createdAt: 0,
    ...extra,
  };
}

const totals: Totals = {
  active: 2,
  queued: 1_200,
  failed: 0,
  done: 10,
  all: 1_212,
  bytesDone: 1024,
  bytesTotal: 5 * 1024 * 1024,
  rate: 2 * 1024 * 1024,
  etaSeconds: 3,
  pausedAll: false,
};

describe('the progress bars (a terminal)', () => {
  it('keeps bars for running transfers only, prints failures with their reason, and never prints INF or NULL', async () => {
    const { stream, written } = terminal();
    const view = createProgressView(stream);
    view.totals(totals);
    const many = Array.from({ length: 50 }, (_, i) => i + 10);
    view.update(many.map((n) => transfer(n, 'uploading')));
    view.update([transfer(2, 'uploading'), transfer(3, 'waiting', { waitingFor: 'network' })]);
    view.update(many.map((n) => transfer(n, 'done')));
    view.update([transfer(2, 'failed', { error: { code: 'x', message: 'gone', retryable: false } })]);
    // cli-progress draws on a timer of its own; its next frame is due before this one.
    await new Promise((resolve) => setTimeout(resolve, 250));
    const output = written();
    view.stop();
    expect(output).toContain('failed: file-2.bin: gone');
    expect(output).toContain('waiting (network)');
    expect(output).toContain('1,202 files to go');
    expect(output).not.toMatch(/\bINF\b|\bNULL\b/);
    // Each frame ends by moving the cursor back up over what it drew: the summary and file-3's bar.
    const linesUp = [...output.matchAll(new RegExp(`${ESC}\\[(\\d+)A`, 'g'))].map((m) => Number(m[1]));
    expect(Math.max(...linesUp)).toBeGreaterThanOrEqual(50);
    expect(linesUp.at(-1)).toBe(1);
  });
});

describe('describeTotals', () => {
  it.each([
    [totals, '1,202 files to go · 5.0 MiB left · 2.0 MiB/s · 3s left'],
    [{ ...totals, active: 1, queued: 0, rate: 0, etaSeconds: undefined }, '1 file to go · 5.0 MiB left'],
    [{ ...totals, active: 0, queued: 0 }, 'Nothing left to upload'],
    [{ ...totals, pausedAll: true }, 'Paused'],
  ])('%j', (input, expected) => {
    expect(describeTotals(input)).toBe(expected);
  });
});
