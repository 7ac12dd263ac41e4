// Atomic small-file writes (temp + rename): a reader or a restart after a crash sees the old or the new
// content, never half of it. Used for metadata and the credential store; object data has its own path.
import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';

export function writeFileAtomicSync(path: string, content: string, mode = 0o600): void {
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  const fd = openSync(temp, 'w', mode);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
}

/** Async variant; `sync` = fsync before rename (metadata that points at data must not outlive a crash). */
export async function writeFileAtomic(path: string, content: string, sync = false): Promise<void> {
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(temp, 'w', 0o600);
  try {
    await handle.writeFile(content);
    if (sync) await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, path);
}
