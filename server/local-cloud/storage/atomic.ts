// Atomic small-file writes (temp + rename): a reader or a restart after a crash sees the old or the new
// content, never half of it. Used for metadata and the credential store; object data has its own path.
// Synchronous on purpose: for a few hundred bytes, four thread-pool round trips cost more CPU than the
// system calls themselves.
import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import { randomHex } from './random-names.js';

/** `durable` = fsync before rename (content that must survive a power cut, not only a crash of the process). */
export function writeFileAtomicSync(path: string, content: string, { durable = true } = {}): void {
  const temp = `${path}.${randomHex(6)}.tmp`;
  const fd = openSync(temp, 'w', 0o600);
  try {
    writeSync(fd, content);
    if (durable) fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
}
