// `hoist sync DIR…`: watch folders until stopped. Folder sync lands with its own issue; until then
// the command says so rather than pretending to watch.
import type { GlobalOptions } from '../context.js';

export async function syncCommand(_dirs: string[], _global: GlobalOptions): Promise<number> {
  process.stderr.write('hoist sync: watching folders is not available in this version yet; use `hoist upload` meanwhile.\n');
  return 2;
}
