// `hoist sync DIR…`: watch folders and upload every new or changed file until stopped (Ctrl-C or
// SIGTERM). Folders already being watched in this data folder are kept; the given ones are added,
// all of them or none: any that cannot be watched are named with the reason, and nothing starts.
import path from 'node:path';
import type { Folder } from '../../common/contract.js';
import { checkFolder } from '../../engine/folders/folder-sync.js';
import { contains } from '../../engine/intake/path-contains.js';
import { describeRunLimits, runSettingsOf, type RunLimitOptions } from '../config/run-options.js';
import { openContext, type GlobalOptions } from '../context.js';
import { printable } from '../format.js';
import { createProgressView } from '../progress.js';

export async function syncCommand(dirs: string[], options: RunLimitOptions, global: GlobalOptions): Promise<number> {
  const runSettings = runSettingsOf(options);
  const context = await openContext(global, { runSettings, logToFile: 'hoist sync' });
  const progress = createProgressView();
  try {
    const { engine } = context;
    if ((await engine['session.get']({})).state !== 'signed-in') {
      throw new Error('Not signed in: run `hoist sign-in`, or set HOIST_USERNAME and HOIST_PASSWORD for this run.');
    }
    const watched = await engine['folders.list']({});
    const { add, refused } = await checkFolders(dirs, context.dataDir, watched);
    if (refused.length > 0) {
      // All or nothing: a typo must not leave the other folders watched (and remembered) on their own.
      for (const { input, reason } of refused)
        process.stderr.write(`not watched: ${shownPath(input)}: ${printable(reason)}\n`);
      process.stderr.write('Nothing is watched: fix or leave out the folders above, then run the command again.\n');
      return 1;
    }
    if (Object.keys(runSettings).length > 0)
      process.stderr.write(`${describeRunLimits(await engine['settings.get']({}))}\n`);
    for (const real of add) {
      const folder = await engine['folders.add']({ path: real });
      process.stderr.write(`watching ${printable(folder.path)} → ${printable(folder.label)}/\n`);
    }
    const lastState = new Map<string, string>();
    const stopFolders = engine.events.on('folders', ({ folders }) => {
      for (const f of folders) {
        const line = `${f.state}${f.message ? `: ${f.message}` : ''}`;
        if (lastState.get(f.id) !== line) process.stderr.write(`folder ${printable(f.label)}: ${printable(line)}\n`);
        lastState.set(f.id, line);
      }
    });
    const stopTransfers = engine.events.on('transfers.changed', ({ transfers }) => progress.update(transfers));
    const stopTotals = engine.events.on('totals', (totals) => progress.totals(totals));
    process.stderr.write('Deletions and renames are not mirrored: Hoist only uploads. Press Ctrl-C to stop.\n');
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    stopFolders();
    stopTransfers();
    stopTotals();
    return 0;
  } finally {
    progress.stop();
    await context.close();
  }
}

/**
 * Every folder checked before any is added: the real paths to add (each once, none already watched) and
 * the ones refused with their reason. A folder named twice (a, ./a, a link to it) is one folder; one
 * inside another (given or already watched) is refused, since its files would upload under two labels.
 */
async function checkFolders(
  dirs: string[],
  dataDir: string,
  watched: Folder[],
): Promise<{ add: string[]; refused: Array<{ input: string; reason: string }> }> {
  const refused: Array<{ input: string; reason: string }> = [];
  const given: Array<{ input: string; real: string }> = [];
  for (const input of dirs) {
    const checked = await checkFolder(input, dataDir);
    if ('reason' in checked) refused.push({ input, reason: checked.reason });
    else if (!given.some((g) => g.real === checked.real)) given.push({ input, real: checked.real });
  }
  const add: string[] = [];
  for (const { input, real } of given) {
    const reason = overlap(real, given, watched);
    if (reason) refused.push({ input, reason });
    else if (!watched.some((f) => path.resolve(f.path) === real)) add.push(real);
  }
  // In the order given, so each line is easy to find on the command line.
  return { add, refused: refused.sort((a, b) => dirs.indexOf(a.input) - dirs.indexOf(b.input)) };
}

function overlap(real: string, given: Array<{ real: string }>, watched: Folder[]): string | undefined {
  for (const other of given) {
    if (other.real === real) continue;
    if (contains(other.real, real)) return `This is inside ${other.real}, which is also given: give only one of them.`;
    if (contains(real, other.real)) return `This contains ${other.real}, which is also given: give only one of them.`;
  }
  for (const f of watched) {
    const root = path.resolve(f.path);
    if (root === real) continue;
    const where = `the folder "${f.label}" (${root}), which this data folder already watches`;
    if (contains(root, real)) return `This is inside ${where}: its files are uploaded already.`;
    if (contains(real, root))
      return `This contains ${where}: stop watching that one first (in the app), or use another --data.`;
  }
  return undefined;
}

/** An empty argument shows as '' rather than as nothing at all. */
function shownPath(input: string): string {
  return input === '' ? "''" : printable(input);
}
