// Writes a whole file or nothing: a temp file beside the target, fsync, then rename over it, so a
// crash never leaves a half-written file behind.
import { closeSync, fsyncSync, openSync, renameSync, writeSync, rmSync } from 'node:fs';

export function writeFileAtomic(file: string, data: string | Uint8Array, mode = 0o600): void {
  const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
  const fd = openSync(temp, 'w', mode);
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw error;
  }
  closeSync(fd);
  renameSync(temp, file);
}
