// Staged copies nobody will upload: a drop the page never queued (closed mid-drop), a batch whose transfers
// were all cancelled or finished while its cleanup could not run (a crash), leftovers of an earlier run.
// The sweep deletes every batch under the staging folder that no unfinished transfer reads from, except
// batches this daemon wrote to lately (their page may be about to queue them). It runs at start and on
// Clear finished; failed transfers keep theirs, so Retry still has something to read.
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { EngineApi } from '../common/contract.js';
import type { StagingBudget } from './stage.js';

/** How long a batch this daemon staged counts as still being dropped. */
export const IN_FLIGHT_MS = 60 * 60 * 1000;
const PAGE = 5_000;

/** Removes abandoned batches; returns their names. */
export async function sweepStaging(
  engine: Pick<EngineApi, 'transfers.list'>,
  stagingDir: string,
  budget: StagingBudget,
): Promise<string[]> {
  const root = path.resolve(stagingDir);
  const inUse = new Set<string>();
  for (let offset = 0; ; offset += PAGE) {
    const page = await engine['transfers.list']({ filter: 'all', offset, limit: PAGE });
    for (const t of page) {
      const relative = path.relative(root, path.resolve(t.sourcePath));
      if (t.state !== 'done' && relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative))
        inUse.add(relative.split(path.sep)[0]!);
    }
    if (page.length < PAGE) break;
  }
  const entries = await readdir(root).catch(() => [] as string[]);
  const abandoned = entries.filter((name) => !inUse.has(name) && !budget.recent(name, IN_FLIGHT_MS));
  // rm never follows links: a link planted in the staging folder is removed, not its target.
  await Promise.all(abandoned.map((name) => rm(path.join(root, name), { recursive: true, force: true })));
  return abandoned;
}
