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
    const mine = new Set(ids);
    const outcome = await new Promise<{ transfers: Transfer[]; signInNeeded: boolean }>((resolve) => {
      const check = (changed: Transfer[]) => {
        const relevant = changed.filter((t) => mine.has(t.id));
        if (relevant.length > 0) progress?.update(relevant);
        void engine['transfers.list']({ filter: 'all' }).then((all) => {
          const ours = all.filter((t) => mine.has(t.id));
          if (ours.length === mine.size && ours.every((t) => finished.has(t.state))) done(ours, false);
        });
      };
      const done = (transfers: Transfer[], signInNeeded: boolean) => {
        stopTransfers();
        stopSession();
        resolve({ transfers, signInNeeded });
      };
      const stopTransfers = engine.events.on('transfers.changed', ({ transfers }) => check(transfers));
      const stopSession = engine.events.on('session', (view) => {
        // Without a window there is no one to sign in: stop, keeping everything journaled.
        if (view.state === 'needs-sign-in' || view.state === 'signed-out') {
          void engine['transfers.list']({ filter: 'all' }).then((all) => done(all.filter((t) => mine.has(t.id)), true));
        }
      });
      void engine['transfers.list']({ filter: 'all' }).then((all) => check(all));
    });
    progress?.stop();
    const failed = outcome.transfers.filter((t) => t.state !== 'done');
    if (options.json) {
      const report = outcome.transfers.map((t) => ({ id: t.id, source: t.sourcePath, destination: t.destination, size: t.size, state: t.state, ...(t.error ? { error: t.error } : {}) }));
      process.stdout.write(`${JSON.stringify({ ok: failed.length === 0 && !outcome.signInNeeded, transfers: report }, null, 2)}\n`);
    } else {
      for (const t of failed) process.stderr.write(`not uploaded: ${t.sourcePath}: ${t.error?.message ?? t.state}\n`);
      if (outcome.signInNeeded) process.stderr.write('Your session has ended: run `hoist sign-in`, then `hoist upload` again to continue.\n');
      process.stderr.write(`${outcome.transfers.length - failed.length} of ${outcome.transfers.length} uploaded and verified.\n`);
    }
    return failed.length === 0 && !outcome.signInNeeded ? 0 : 1;
  } finally {
    progress?.stop();
    await context.close();
  }
}
