// `hoist upload PATH… [--to SUBPATH] [--json]`: queue files and folders, show progress, and exit 0
// only when every one is verified in the bucket. Killed and run again with the same --data, the
// journaled transfers continue where they were.
import type { Transfer } from '../../common/contract.js';
import { openContext, type GlobalOptions } from '../context.js';
import { createProgressView } from '../progress.js';

const finished = new Set<Transfer['state']>(['done', 'failed', 'cancelled']);

export interface UploadOptions {
  to?: string;
  json?: boolean;
}

export async function uploadCommand(paths: string[], options: UploadOptions, global: GlobalOptions): Promise<number> {
  const context = await openContext(global);
  const progress = options.json ? undefined : createProgressView();
  try {
    const { engine } = context;
    const session = await engine['session.get']({});
    if (session.state !== 'signed-in') {
      throw new Error('Not signed in: run `hoist sign-in`, or set HOIST_USERNAME and HOIST_PASSWORD for this run.');
    }
    const { ids } = await engine['transfers.add']({ paths, ...(options.to ? { to: options.to } : {}) });
    // Our transfers' latest views, kept up to date from the pushed events alone: no re-listing of
    // every transfer on each event.
    const mine = new Set(ids);
    const ours = new Map<string, Transfer>();
    for (const t of await engine['transfers.list']({ filter: 'all' })) if (mine.has(t.id)) ours.set(t.id, t);
    const outcome = await new Promise<{ transfers: Transfer[]; signInNeeded: boolean; diskFull?: string }>((resolve) => {
      const allFinished = () => ids.every((id) => {
        const t = ours.get(id);
        return t === undefined || finished.has(t.state); // gone from the list: cancelled elsewhere
      });
      const done = (signInNeeded: boolean, diskFull?: string) => {
        stopTransfers();
        stopRemoved();
        stopSession();
        stopTotals();
        resolve({ transfers: ids.map((id) => ours.get(id)).filter((t): t is Transfer => t !== undefined), signInNeeded, ...(diskFull ? { diskFull } : {}) });
      };
      const stopTransfers = engine.events.on('transfers.changed', ({ transfers }) => {
        const relevant = transfers.filter((t) => mine.has(t.id));
        if (relevant.length === 0) return;
        for (const t of relevant) ours.set(t.id, t);
        progress?.update(relevant);
        if (allFinished()) done(false);
      });
      const stopRemoved = engine.events.on('transfers.removed', ({ ids: removed }) => {
        for (const id of removed) ours.delete(id);
        if (allFinished()) done(false);
      });
      const stopSession = engine.events.on('session', (view) => {
        // Without a window there is no one to sign in: stop, keeping everything journaled.
        if (view.state === 'needs-sign-in' || view.state === 'signed-out') done(true);
      });
      // Nothing can be recorded while the data folder's disk is full: stop, keeping what is journaled.
      const stopTotals = engine.events.on('totals', (totals) => {
        if (totals.diskFull) done(false, totals.diskFull);
      });
      progress?.update([...ours.values()]);
      if (allFinished()) done(false);
      else void engine['transfers.totals']({}).then((totals) => totals.diskFull && done(false, totals.diskFull));
    });
    progress?.stop();
    const failed = outcome.transfers.filter((t) => t.state !== 'done');
    const stopped = outcome.signInNeeded || outcome.diskFull !== undefined;
    const cancelled = ids.length - outcome.transfers.length;
    if (options.json) {
      const report = outcome.transfers.map((t) => ({ id: t.id, source: t.sourcePath, destination: t.destination, size: t.size, state: t.state, ...(t.error ? { error: t.error } : {}) }));
      const problem = outcome.diskFull ? { error: { code: 'disk_full', message: outcome.diskFull } } : {};
      process.stdout.write(`${JSON.stringify({ ok: failed.length === 0 && cancelled === 0 && !stopped, transfers: report, ...(cancelled > 0 ? { cancelled } : {}), ...problem }, null, 2)}\n`);
    } else {
      // Stopped early (sign-in, full disk): the unfinished ones are journaled, not failed.
      for (const t of failed) if (!stopped || t.state === 'failed') process.stderr.write(`not uploaded: ${t.sourcePath}: ${t.error?.message ?? t.state}\n`);
      if (outcome.signInNeeded) process.stderr.write('Your session has ended: run `hoist sign-in`, then `hoist upload` again to continue.\n');
      if (outcome.diskFull) process.stderr.write(`${outcome.diskFull} Run \`hoist upload\` again then to continue.\n`);
      if (cancelled > 0) process.stderr.write(`${cancelled} cancelled.\n`);
      process.stderr.write(`${outcome.transfers.length - failed.length} of ${ids.length} uploaded and verified.\n`);
    }
    return failed.length === 0 && cancelled === 0 && !stopped ? 0 : 1;
  } finally {
    progress?.stop();
    await context.close();
  }
}
