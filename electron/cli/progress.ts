// Progress on a terminal: a live bar per active transfer (cli-progress) on a TTY, plain lines of
// state changes otherwise (logs, CI, pipes).
import cliProgress from 'cli-progress';
import type { Transfer } from '../common/contract.js';
import { formatBytes, formatDuration, printable } from './format.js';

export interface ProgressView {
  update(transfers: Transfer[]): void;
  stop(): void;
}

export function createProgressView(stream: NodeJS.WriteStream = process.stderr): ProgressView {
  return stream.isTTY ? createBars(stream) : createLines(stream);
}

function createBars(stream: NodeJS.WriteStream): ProgressView {
  const multi = new cliProgress.MultiBar(
    {
      stream,
      format: ' {bar} {percentage}% | {name} | {done}/{size} | {speed} | {eta} | {state}',
      hideCursor: true,
      clearOnComplete: false,
      autopadding: true,
    },
    cliProgress.Presets.shades_classic,
  );
  const bars = new Map<string, cliProgress.SingleBar>();
  return {
    update(transfers) {
      for (const t of transfers) {
        const payload = {
          name: printable(t.name.length > 40 ? `${t.name.slice(0, 37)}...` : t.name),
          done: formatBytes(t.bytesDone),
          size: formatBytes(t.size),
          speed: t.rate > 0 ? `${formatBytes(t.rate)}/s` : '',
          eta: t.etaSeconds !== undefined ? formatDuration(t.etaSeconds) : '',
          state: t.error ? `${t.state}: ${printable(t.error.message)}` : t.state,
        };
        let bar = bars.get(t.id);
        if (!bar) bars.set(t.id, (bar = multi.create(Math.max(t.size, 1), t.bytesDone, payload)));
        bar.update(t.size === 0 && t.state === 'done' ? 1 : t.bytesDone, payload);
      }
    },
    stop: () => multi.stop(),
  };
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
    stop() {},
  };
}
