// `hoist upload PATH… [--to SUBPATH] [--json]`: queue files and folders, show progress, and exit 0
// only when every one is verified in the bucket: a path that is skipped (missing, unreadable, a name
// that cannot be a key, a pipe, Hoist's own data folder) makes it exit 1 and is listed with its
// reason. Killed and run again with the same --data, the journaled transfers continue where they were.
import type { SkippedPath } from '../../common/contract.js';
import { checkDestinationFolder } from '../../engine/keys/relative-key.js';
import { describeRunLimits, runSettingsOf, type RunLimitOptions } from '../config/run-options.js';
import { openContext, type GlobalOptions } from '../context.js';
import { printable } from '../format.js';
import { createProgressView } from '../progress.js';
import { summariseSkipped } from '../skipped-summary.js';
import { trackTransfers } from '../transfer-tracker.js';

export interface UploadOptions extends RunLimitOptions {
  to?: string;
  json?: boolean;
}

export async function uploadCommand(paths: string[], options: UploadOptions, global: GlobalOptions): Promise<number> {
  // Checked before anything starts, and blamed on the option rather than on every file under it.
  if (options.to !== undefined) {
    const problem = checkDestinationFolder(options.to);
    if (problem) throw new Error(`--to ${shortened(options.to)}: ${problem}`);
  }
  const runSettings = runSettingsOf(options);
  const context = await openContext(global, { runSettings, logToFile: 'hoist upload' });
  const progress = options.json ? undefined : createProgressView();
  try {
    const { engine } = context;
    const session = await engine['session.get']({});
    if (session.state !== 'signed-in') {
      throw new Error('Not signed in: run `hoist sign-in`, or set HOIST_USERNAME and HOIST_PASSWORD for this run.');
    }
    // What the queue and its bandwidth limiter run with (the settings file, then this run's options).
    const { bandwidthLimit, filesInParallel, partsInParallel } = await engine['settings.get']({});
    const limits = { bandwidthLimit, filesInParallel, partsInParallel };
    if (!options.json && Object.keys(runSettings).length > 0) process.stderr.write(`${describeRunLimits(limits)}\n`);
    const tracker = trackTransfers(engine, progress && ((transfers) => progress.update(transfers)));
    const stopTotals = progress && engine.events.on('totals', (totals) => progress.totals(totals));
    let added;
    try {
      added = await engine['transfers.add']({ paths, ...(options.to !== undefined ? { to: options.to } : {}) });
    } catch (error) {
      tracker.stop();
      stopTotals?.();
      throw error;
    }
    const { ids } = added;
    const skipped: SkippedPath[] = added.skipped ?? [];
    const { transfers, ...outcome } = await tracker.follow(ids);
    stopTotals?.();
    progress?.stop();
    const failed = transfers.filter((t) => t.state !== 'done');
    const stopped = outcome.signInNeeded || outcome.diskFull !== undefined;
    const cancelled = ids.length - transfers.length;
    const ok = failed.length === 0 && cancelled === 0 && skipped.length === 0 && !stopped;
    if (options.json) {
      const report = transfers.map((t) => ({
        id: t.id,
        source: t.sourcePath,
        destination: t.destination,
        size: t.size,
        state: t.state,
        ...(t.error ? { error: t.error } : {}),
      }));
      const problem = outcome.diskFull ? { error: { code: 'disk_full', message: outcome.diskFull } } : {};
      process.stdout.write(
        `${JSON.stringify({ ok, transfers: report, skipped, ...(cancelled > 0 ? { cancelled } : {}), ...problem, limits }, null, 2)}\n`,
      );
    } else {
      for (const line of summariseSkipped(skipped)) process.stderr.write(`${line}\n`);
      // Stopped early (sign-in, full disk): the unfinished ones are journaled, not failed.
      for (const t of failed) {
        if (!stopped || t.state === 'failed')
          process.stderr.write(`not uploaded: ${printable(t.sourcePath)}: ${printable(t.error?.message ?? t.state)}\n`);
      }
      if (outcome.signInNeeded)
        process.stderr.write('Your session has ended: run `hoist sign-in`, then `hoist upload` again to continue.\n');
      if (outcome.diskFull) process.stderr.write(`${outcome.diskFull} Run \`hoist upload\` again then to continue.\n`);
      if (cancelled > 0) process.stderr.write(`${cancelled} cancelled.\n`);
      const notes = skipped.length > 0 ? `; ${skipped.length.toLocaleString('en-US')} not uploaded (listed above)` : '';
      process.stderr.write(`${transfers.length - failed.length} of ${ids.length} uploaded and verified${notes}.\n`);
    }
    return ok ? 0 : 1;
  } finally {
    progress?.stop();
    await context.close();
  }
}

/** An option's value as quoted in a message: escaped, and cut short when it is long. */
function shortened(value: string, max = 60): string {
  const shown = value.length > max ? `${value.slice(0, max)}…` : value;
  return `'${printable(shown)}'`;
}
