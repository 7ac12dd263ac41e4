// What the desktop shell has already told the person, kept in `shell.json` in the data folder so it is
// said once, not at every start: for now, that closing the window keeps Hoist uploading in the tray.
// Plain Node (no Electron), so it is tested on real files. A missing or unreadable file means nothing
// was said yet: at worst the person hears it once more.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../engine/platform/atomic-file.js';

export type ShellNotice = 'close-to-tray';

export interface ShellMemory {
  told(notice: ShellNotice): boolean;
  /** Records the notice as said; true when this call is the first (the caller says it then). */
  tellOnce(notice: ShellNotice): boolean;
}

export function shellMemoryFile(dataDir: string): string {
  return path.join(dataDir, 'shell.json');
}

export function openShellMemory(dataDir: string, onError: (error: unknown) => void = () => {}): ShellMemory {
  const file = shellMemoryFile(dataDir);
  let said = new Set<string>();
  try {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { told?: unknown };
    if (Array.isArray(stored.told)) said = new Set(stored.told.filter((n): n is string => typeof n === 'string'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') onError(error);
  }
  return {
    told: (notice) => said.has(notice),
    tellOnce(notice) {
      if (said.has(notice)) return false;
      said.add(notice);
      try {
        writeFileAtomic(file, JSON.stringify({ told: [...said].sort() }, null, 2) + '\n');
      } catch (error) {
        onError(error);
      }
      return true;
    },
  };
}
