// One running engine per data folder: two would upload the same journaled transfers twice. The
// lock is a file holding the owner's pid; a lock whose process is gone (kill -9) is taken over.
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';

export interface InstanceLock {
  release(): void;
}

export class InstanceLockedError extends Error {
  override readonly name = 'InstanceLockedError';
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(`Another Hoist (process ${pid}) is already using ${dataDir}.`);
  }
}

export function acquireInstanceLock(dataDir: string): InstanceLock {
  const file = path.join(dataDir, 'instance.lock');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return { release: () => rmSync(file, { force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number(readFileSync(file, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid))
        throw new InstanceLockedError(dataDir, pid);
      rmSync(file, { force: true }); // stale: its owner died without releasing it
    }
  }
  throw new Error(`Could not take the lock ${file}.`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
