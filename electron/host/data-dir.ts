// The data folder made ready before anything opens it: created one level at a time (Node's recursive
// mkdir spins forever under /proc), then written to once, so a place that cannot be a data folder
// (/proc, /sys, a path under a regular file, a read-only disk) is refused at once with the reason.
import { mkdirSync, rmSync, statSync, writeFileSync, type Stats } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * The app's data folder, the same one Electron's app.getPath('userData') gives, so the desktop app,
 * the headless mode and the command line share one journal and one session.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.HOIST_DATA_DIR) return env.HOIST_DATA_DIR;
  switch (process.platform) {
    case 'darwin':
      return path.join(os.homedir(), 'Library', 'Application Support', 'Hoist');
    case 'win32':
      return path.join(env.APPDATA ?? path.join(os.homedir(), 'AppData', 'Roaming'), 'Hoist');
    default:
      return path.join(env.XDG_CONFIG_HOME ?? path.join(os.homedir(), '.config'), 'Hoist');
  }
}

export class DataDirError extends Error {
  override readonly name = 'DataDirError';
  constructor(
    readonly dataDir: string,
    readonly reason: string,
  ) {
    super(`${dataDir} cannot be Hoist's data folder: ${reason}.`);
  }
}

export function prepareDataDir(dataDir: string): void {
  // Walk up to the nearest part of the path that exists; everything below it is to be created.
  const missing: string[] = [];
  let existing = dataDir;
  for (;;) {
    const st = statOrUndefined(existing);
    if (st) {
      if (!st.isDirectory()) throw new DataDirError(dataDir, `${existing} is a file, not a folder`);
      break;
    }
    missing.unshift(existing);
    const parent = path.dirname(existing);
    if (parent === existing) break;
    existing = parent;
  }
  for (const dir of missing) {
    try {
      mkdirSync(dir, { mode: 0o700 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST' && statOrUndefined(dir)?.isDirectory()) continue;
      throw new DataDirError(dataDir, `no folder can be created in ${path.dirname(dir)} (${codeOf(error)})`);
    }
  }
  const probe = path.join(dataDir, `.hoist-write-check-${process.pid}`);
  try {
    writeFileSync(probe, 'ok');
  } catch (error) {
    if (codeOf(error) === 'ENOSPC') throw error; // a full disk is its own message
    throw new DataDirError(dataDir, `it cannot be written to (${codeOf(error)})`);
  } finally {
    rmSync(probe, { force: true });
  }
}

/** undefined when nothing is there, including "a parent is a file" (ENOTDIR): the walk finds that file. */
function statOrUndefined(p: string): Stats | undefined {
  try {
    return statSync(p);
  } catch (error) {
    const code = codeOf(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new DataDirError(p, `it cannot be looked at (${code})`);
  }
}

function codeOf(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? String(error);
}
