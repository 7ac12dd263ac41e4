// Logs on disk: `<data folder>/logs/hoist.log`, rotated by size (hoist.log → hoist.log.1 → … up to
// `keep` old files, the oldest dropped), so the folder never holds more than (keep + 1) × maxBytes.
// Hand-written because none of the installed packages rotates files, and this is a few renames: lines are
// written synchronously, whole, by the one process holding the data folder's lock (docs/ARCHITECTURE.md,
// Logs and diagnostics). Lines arrive already redacted (log.ts); a failing disk never stops the app.
import { closeSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';

export const LOG_FILE_NAME = 'hoist.log';
const DEFAULT_MAX_BYTES = 4 * 1024 * 1024;
const DEFAULT_KEEP = 3;

export function logsDirOf(dataDir: string): string {
  return path.join(dataDir, 'logs');
}

/** The log files in `dir`, newest first: hoist.log, hoist.log.1, … (only those that exist). */
export function logFilesIn(dir: string, keep = DEFAULT_KEEP): string[] {
  const names = [LOG_FILE_NAME, ...Array.from({ length: keep }, (_, i) => `${LOG_FILE_NAME}.${i + 1}`)];
  return names.map((name) => path.join(dir, name)).filter((file) => sizeOf(file) !== undefined);
}

export interface RotatingLogFile {
  readonly dir: string;
  /** Appends one line (a newline is added). */
  write(line: string): void;
  close(): void;
}

export function openRotatingLogFile(
  dir: string,
  options: { maxBytes?: number; keep?: number; onError?: (error: unknown) => void } = {},
): RotatingLogFile {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const keep = options.keep ?? DEFAULT_KEEP;
  const current = path.join(dir, LOG_FILE_NAME);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  let fd: number | undefined = openSync(current, 'a', 0o600);
  let size = sizeOf(current) ?? 0;
  let failed = false;
  let closed = false;

  const rotate = () => {
    if (fd !== undefined) closeSync(fd);
    fd = undefined;
    rmSync(`${current}.${keep}`, { force: true });
    for (let n = keep - 1; n >= 1; n--) renameIfThere(`${current}.${n}`, `${current}.${n + 1}`);
    if (keep > 0) renameIfThere(current, `${current}.1`);
    else rmSync(current, { force: true });
    size = 0;
  };

  return {
    dir,
    write(line) {
      if (closed) return;
      const bytes = Buffer.from(`${line}\n`);
      try {
        // A line never straddles two files; one longer than the cap gets a file of its own.
        if (size > 0 && size + bytes.length > maxBytes) rotate();
        // Reopened after a rotation, or after a failure (the folder removed meanwhile).
        if (fd === undefined) {
          mkdirSync(dir, { recursive: true, mode: 0o700 });
          fd = openSync(current, 'a', 0o600);
          size = sizeOf(current) ?? 0;
        }
        writeSync(fd, bytes);
        size += bytes.length;
        failed = false;
      } catch (error) {
        // Said once per run of failures (a full or read-only disk), never thrown at the caller.
        if (!failed) options.onError?.(error);
        failed = true;
      }
    },
    close() {
      closed = true;
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}

function renameIfThere(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

function sizeOf(file: string): number | undefined {
  try {
    return statSync(file).size;
  } catch {
    return undefined;
  }
}
