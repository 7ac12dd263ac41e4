// `hoist sync DIR…`: watch folders and upload every new or changed file until stopped (Ctrl-C or
// SIGTERM). Folders already being watched in this data folder are kept; the given ones are added.
import path from 'node:path';
import { openContext, type GlobalOptions } from '../context.js';
import { printable } from '../format.js';
import { createProgressView } from '../progress.js';

export async function syncCommand(dirs: string[], global: GlobalOptions): Promise<number> {
  const context = await openContext(global);
  const progress = createProgressView();
  try {
    const { engine } = context;
    if ((await engine['session.get']({})).state !== 'signed-in') {
      throw new Error('Not signed in: run `hoist sign-in`, or set HOIST_USERNAME and HOIST_PASSWORD for this run.');
    }
    const watched = new Set((await engine['folders.list']({})).map((f) => path.resolve(f.path)));
    for (const dir of dirs) {
      if (watched.has(path.resolve(dir))) continue;
      const folder = await engine['folders.add']({ path: path.resolve(dir) });
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
    process.stderr.write('Deletions and renames are not mirrored: Hoist only uploads. Press Ctrl-C to stop.\n');
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    stopFolders();
    stopTransfers();
    return 0;
  } finally {
    progress.stop();
    await context.close();
  }
}
