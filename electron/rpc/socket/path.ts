// Where a running Hoist listens for its command line. On Unix a socket in a private folder: under
// $XDG_RUNTIME_DIR when that folder is ours and closed to others, otherwise <data folder>/run, and
// only when that path is too long for a socket (about 104 bytes) a folder of ours in the temp folder.
// Each folder is created 0700 and checked before the socket goes in: a folder of another user, a link,
// or one open to group or others is refused (ours is narrowed back to 0700). On Windows a named pipe
// with a random name per instance, so nobody can create it first or guess it. Node cannot give a pipe
// an owner-only DACL; the secret the pipe requires (./secret.ts) is what keeps other users out. The
// path chosen is published in the control file, so the command line never recomputes it.
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, lstatSync, mkdirSync, type Stats } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Unix socket paths are limited to 104 bytes (macOS) or 108 (Linux), the terminating NUL included. */
const maxSocketPathBytes = 100;

export class ControlSocketPlaceError extends Error {
  override readonly name = 'ControlSocketPlaceError';
}

function ownUid(): number | undefined {
  return process.getuid?.();
}

function isPrivate(st: Stats): boolean {
  return st.isDirectory() && !st.isSymbolicLink() && st.uid === ownUid() && (st.mode & 0o077) === 0;
}

/** Creates `dir` 0700 (its parent must exist) or makes sure the existing one is ours, and private. */
export function ensurePrivateFolder(dir: string): void {
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const st = lstatSync(dir);
  if (st.isSymbolicLink() || !st.isDirectory())
    throw new ControlSocketPlaceError(`${dir} is not a folder (a link or a file): the control socket cannot go there.`);
  if (st.uid !== ownUid())
    throw new ControlSocketPlaceError(
      `${dir} belongs to another user: the control socket cannot go there. Remove that folder or set XDG_RUNTIME_DIR.`,
    );
  if ((st.mode & 0o077) !== 0) chmodSync(dir, 0o700);
}

function runtimeDir(env: NodeJS.ProcessEnv): string | undefined {
  const dir = env.XDG_RUNTIME_DIR;
  if (!dir || !path.isAbsolute(dir)) return undefined;
  try {
    return isPrivate(lstatSync(dir)) ? dir : undefined;
  } catch {
    return undefined;
  }
}

function fits(socketPath: string): boolean {
  return Buffer.byteLength(socketPath) < maxSocketPathBytes;
}

/** Chooses the control socket's path for this data folder and prepares its private folder. */
export function prepareControlSocketPath(dataDir: string, env: NodeJS.ProcessEnv = process.env): string {
  const absolute = path.resolve(dataDir);
  if (process.platform === 'win32') return `\\\\.\\pipe\\hoist-${randomBytes(16).toString('hex')}`;
  const tag = createHash('sha256').update(absolute).digest('hex').slice(0, 16);
  const runtime = runtimeDir(env);
  if (runtime) {
    const folder = path.join(runtime, 'hoist');
    if (fits(path.join(folder, `${tag}.sock`))) {
      ensurePrivateFolder(folder);
      return path.join(folder, `${tag}.sock`);
    }
  }
  const inData = path.join(absolute, 'run');
  if (fits(path.join(inData, 'hoist.sock'))) {
    ensurePrivateFolder(inData);
    return path.join(inData, 'hoist.sock');
  }
  const inTemp = path.join(os.tmpdir(), `hoist-${ownUid() ?? 0}`);
  ensurePrivateFolder(inTemp);
  return path.join(inTemp, `${tag}.sock`);
}
