// Progress on a terminal: a summary line and a live bar per running transfer (cli-progress) on a TTY,
// plain lines of state changes otherwise (logs, CI, pipes).
import cliProgress from 'cli-progress';
import type { Totals, Transfer } from '../common/contract.js';
import { formatBytes, formatDuration, printable } from './format.js';

export interface ProgressView {
  update(transfers: Transfer[]): void;
  /** The queue's totals: what is left to upload, how fast it goes. */
  totals(totals: Totals): void;
  stop(): void;
}

export function createProgressView(stream: NodeJS.WriteStream = process.stderr): ProgressView {
  return stream.isTTY ? createBars(stream) : createLines(stream);
}

/** Shown with a bar of its own; a finished transfer's bar goes, so a big folder never fills the terminal. */
const running = new Set<Transfer['state']>(['uploading', 'verifying', 'waiting']);

/**
 * A summary line (files and bytes left, speed, time left) over a bar per transfer running now. A failed
 * transfer is printed above the bars with its reason; the command's closing lines count the rest.
 */
function createBars(stream: NodeJS.WriteStream): ProgressView {
  const multi = new cliProgress.MultiBar(
    {
      stream,
      // `eta` is cli-progress's own token (it would print INF or NULL for a file that has just started).
      format: ' {bar} {percentage}% | {name} | {done}/{size} | {speed} | {left} | {state}',
      hideCursor: true,
      clearOnComplete: true,
      autopadding: true,
    },
    cliProgress.Presets.shades_classic,
  );
  const summary = multi.create(1, 0, { summary: 'Starting…' }, { format: ' {summary}' });
  const bars = new Map<string, cliProgress.SingleBar>();
  return {
    update(transfers) {
      for (const t of transfers) {
        let bar = bars.get(t.id);
        if (!running.has(t.state)) {
          // Logged first: removing a bar redraws, which prints what was logged above the bars.
          if (t.state === 'failed') multi.log(`failed: ${printable(t.name)}: ${printable(t.error?.message ?? '')}\n`);
          if (bar) multi.remove(bar);
          bars.delete(t.id);
          continue;
        }
        const name = printable(t.name);
        const payload = {
          name: name.length > 40 ? `${name.slice(0, 37)}...` : name,
          done: formatBytes(t.bytesDone),
          size: formatBytes(t.size),
          speed: t.rate > 0 ? `${formatBytes(t.rate)}/s` : '',
          left: t.etaSeconds !== undefined ? formatDuration(t.etaSeconds) : '',
          state: t.waitingFor ? `waiting (${t.waitingFor})` : t.state,
        };
        if (!bar) bars.set(t.id, (bar = multi.create(Math.max(t.size, 1), t.bytesDone, payload)));
        bar.update(t.bytesDone, payload);
      }
    },
    totals(totals) {
      summary.update(0, { summary: describeTotals(totals) });
    },
    stop: () => multi.stop(),
  };
}

/** "12 files to go · 48.0 MiB left · 9.5 MiB/s · 5s left", or "Paused" / "Nothing left to upload". */
export function describeTotals(totals: Totals): string {
  const files = totals.active + totals.queued;
  if (totals.pausedAll) return 'Paused';
  if (files === 0) return 'Nothing left to upload';
  const parts = [
    `${files.toLocaleString('en-US')} file${files === 1 ? '' : 's'} to go`,
    `${formatBytes(Math.max(0, totals.bytesTotal - totals.bytesDone))} left`,
  ];
  if (totals.rate > 0) parts.push(`${formatBytes(totals.rate)}/s`);
  if (totals.etaSeconds !== undefined) parts.push(`${formatDuration(totals.etaSeconds)} left`);
  return parts.join(' · ');
}

function createLines(stream: NodeJS.WriteStream): ProgressView {
  const lastState = new Map<string, string>();
  return {
    update(transfers) {
      for (const t of transfers) {
        const state = t.state + (t.waitingFor ? ` (${t.waitingFor})` : '');
        if (lastState.get(t.id) === state) continue;
        lastState.set(t.id, state);
        const reason = t.error ? `: ${printable(t.error.message)}` : '';
        stream.write(`${state}\t${printable(t.destination)}\t${formatBytes(t.size)}${reason}\n`);
      }
    },
    totals() {},
    stop() {},
  };
}
