// The data folder made ready before anything opens it: created one level at a time (Node's recursive
// mkdir spins forever under /proc), 0700, then written to once, so a place that cannot be a data folder
// (/proc, /sys, a path under a regular file, a read-only disk) is refused at once with the reason. It
// holds the state database, the control socket and the headless ready file: it must be the user's own
// and closed to everyone else (checked at every start, since it may have been made by something else).
import { chmodSync, closeSync, mkdirSync, rmSync, statSync, writeSync, type Stats } from 'node:fs';
import { createExclusive, temporaryNameFor } from '../engine/platform/atomic-file.js';
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
  checkOwnerAndMode(dataDir);
  const probe = temporaryNameFor(path.join(dataDir, '.hoist-write-check'));
  try {
    const fd = createExclusive(probe);
    try {
      writeSync(fd, 'ok');
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    if (codeOf(error) === 'ENOSPC') throw error; // a full disk is its own message
    throw new DataDirError(dataDir, `it cannot be written to (${codeOf(error)})`);
  } finally {
    rmSync(probe, { force: true });
  }
}

/**
 * The folder must belong to the user running Hoist (root included: a folder another user owns is theirs
 * to change under us) and be closed to group and others: a folder we own that is wider is narrowed to
 * 0700; one someone else owns is refused, naming the fix. Windows has no owner and mode bits to check
 * here (the folder under %APPDATA% inherits the user's own access rules).
 */
function checkOwnerAndMode(dataDir: string): void {
  const uid = process.getuid?.();
  if (uid === undefined || process.platform === 'win32') return;
  const st = statSync(dataDir);
  if (st.uid !== uid)
    throw new DataDirError(
      dataDir,
      `it belongs to another user (uid ${st.uid}, not ${uid}), who could read or change Hoist's state there. ` +
        `Use a folder of your own (--data or HOIST_DATA_DIR), or, if the folder is meant to be yours, ` +
        `make it yours: chown -R ${uid} '${dataDir}' && chmod 700 '${dataDir}'`,
    );
  if ((st.mode & 0o077) !== 0) chmodSync(dataDir, 0o700);
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
