// The control file: where this instance's control socket is and the secret a client must present on it
// before anything is served. A fresh secret per instance, in <data folder>/control.json, created 0600
// with O_EXCL | O_NOFOLLOW (never through a link planted in its place, never readable by others for an
// instant). The command line reads it; a process that can reach the socket but not this file cannot
// steer Hoist.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { closeSync, constants, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';

export interface ControlFile {
  /** The Unix socket's path or the Windows pipe's name. */
  socket: string;
  secret: string;
}

export function controlFilePath(dataDir: string): string {
  return path.join(path.resolve(dataDir), 'control.json');
}

export function newControlSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function writeControlFile(dataDir: string, contents: ControlFile): string {
  const file = controlFilePath(dataDir);
  rmSync(file, { force: true }); // a stale file from a crash, or whatever was planted there (a link is removed, not followed)
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0);
  const fd = openSync(file, flags, 0o600);
  try {
    writeSync(fd, JSON.stringify(contents));
  } finally {
    closeSync(fd);
  }
  return file;
}

/** The running instance's control file; throws (ENOENT) when none is running on this data folder. */
export function readControlFile(dataDir: string): ControlFile {
  const parsed = JSON.parse(readFileSync(controlFilePath(dataDir), 'utf8')) as Partial<ControlFile>;
  if (typeof parsed.socket !== 'string' || typeof parsed.secret !== 'string')
    throw new Error(`${controlFilePath(dataDir)} is damaged: restart the running Hoist.`);
  return { socket: parsed.socket, secret: parsed.secret };
}

/** Constant-time: digests of equal length are compared, so neither the content nor the length leaks. */
export function secretMatches(candidate: unknown, secret: string): boolean {
  if (typeof candidate !== 'string') return false;
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(candidate), digest(secret));
}
