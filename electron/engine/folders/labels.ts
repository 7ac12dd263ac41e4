// Folder labels: the first segment of every key from that folder, so they are unique per user
// (compared case-insensitively, since people download to case-insensitive disks): "Photos",
// "Photos (2)", …
import path from 'node:path';
import { checkRelativeKey } from '../keys/relative-key.js';

/** Why a label cannot be used, or undefined. */
export function checkLabel(label: string): string | undefined {
  if (label.trim() !== label || label.length === 0)
    return 'A folder label cannot be empty or start or end with spaces.';
  if (label.includes('/') || label.includes('\\')) return 'A folder label cannot contain "/" or "\\".';
  const problem = checkRelativeKey(label);
  if (problem) return problem;
  if (Buffer.byteLength(label, 'utf8') > 255) return 'A folder label can be at most 255 bytes long.';
  return undefined;
}

/** The label for a folder the user gave none: its name, when that is a usable label. */
export function defaultLabel(folderPath: string): string {
  const base = path.basename(folderPath).normalize('NFC');
  return checkLabel(base) ? 'Folder' : base;
}

export function uniqueLabel(wanted: string, taken: Iterable<string>): string {
  const used = new Set([...taken].map((label) => label.toLocaleLowerCase('en-US')));
  if (!used.has(wanted.toLocaleLowerCase('en-US'))) return wanted;
  for (let n = 2; ; n++) {
    const candidate = `${wanted} (${n})`;
    if (!used.has(candidate.toLocaleLowerCase('en-US'))) return candidate;
  }
}
