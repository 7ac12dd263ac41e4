// Turns a drop into files: loose files and whole folders (walked with the File System entries API, which
// must be read during the drop event itself, hence the two steps).
import type { PickedFile } from '../../api/staging.js';

/** Step 1, synchronous inside the drop handler: take the entries before the DataTransfer is emptied. */
export function takeEntries(data: DataTransfer): { entries: FileSystemEntry[]; files: File[] } {
  const entries: FileSystemEntry[] = [];
  for (const item of Array.from(data.items)) {
    if (item.kind !== 'file') continue;
    const entry = item.webkitGetAsEntry?.();
    if (entry) entries.push(entry);
  }
  return { entries, files: Array.from(data.files) };
}

function readAll(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  // readEntries returns at most ~100 at a time: call until it returns none.
  return new Promise((resolve, reject) => {
    const all: FileSystemEntry[] = [];
    const next = () =>
      reader.readEntries((batch) => {
        if (batch.length === 0) return resolve(all);
        all.push(...batch);
        next();
      }, reject);
    next();
  });
}

async function walk(entry: FileSystemEntry, prefix: string, out: PickedFile[]): Promise<void> {
  const relativePath = prefix ? `${prefix}/${entry.name}` : entry.name;
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    out.push({ file, relativePath });
  } else if (entry.isDirectory) {
    for (const child of await readAll((entry as FileSystemDirectoryEntry).createReader()))
      await walk(child, relativePath, out);
  }
}

/** Step 2: every file with its path relative to what was dropped. */
export async function collectFiles(taken: { entries: FileSystemEntry[]; files: File[] }): Promise<PickedFile[]> {
  // A DataTransfer built by script has files but no entries: take the files as they are.
  if (taken.entries.length === 0) return taken.files.map((file) => ({ file, relativePath: file.name }));
  const out: PickedFile[] = [];
  for (const entry of taken.entries) await walk(entry, '', out);
  return out;
}
