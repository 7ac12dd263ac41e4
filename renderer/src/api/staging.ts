// Browser drops carry no local path: each file is streamed to the daemon (POST /api/stage, with the
// page's token as a Bearer header) and the handles of the staged copies are what transfers.add receives.
// A dropped folder is staged as a folder, so the engine uploads it with its shape, as it would the original.
export interface PickedFile {
  file: File;
  /** "a.txt" for a loose file, "Photos/2026/a.jpg" for a file inside a dropped folder. */
  relativePath: string;
}

interface StageReply {
  batch: string;
  /** The handle of the staged root (the loose file, or the top folder it was dropped in). */
  handle: string;
}

async function stageOne(picked: PickedFile, batch: string | undefined, token: string): Promise<StageReply> {
  const query = new URLSearchParams({ name: picked.relativePath });
  if (batch) query.set('batch', batch);
  const response = await fetch(`/api/stage?${query.toString()}`, {
    method: 'POST',
    body: picked.file,
    credentials: 'omit',
    headers: { Authorization: `Bearer ${token}` },
  });
  if (response.status === 413) {
    const { maxBatchBytes } = (await response.json().catch(() => ({}))) as { maxBatchBytes?: number };
    const limit = maxBatchBytes
      ? ` (${maxBatchBytes >= 1024 ** 3 ? `${Math.floor(maxBatchBytes / 1024 ** 3)} GiB` : `${Math.floor(maxBatchBytes / 1024 ** 2)} MiB`})`
      : '';
    throw new Error(
      `This drop is larger than a browser may hand to Hoist at once${limit}: drop fewer files, or use “hoist upload” or the desktop app.`,
    );
  }
  if (!response.ok) throw new Error(`Could not hand “${picked.file.name}” to Hoist (HTTP ${response.status}).`);
  return (await response.json()) as StageReply;
}

/** Stages every file (four at a time) and returns the handles of the distinct roots to queue, in drop order. */
export async function stageFiles(
  files: PickedFile[],
  token: string,
  onProgress: (done: number) => void,
): Promise<string[]> {
  if (files.length === 0) return [];
  const first = await stageOne(files[0]!, undefined, token);
  const roots = new Map<number, string>([[0, first.handle]]);
  let done = 1;
  onProgress(done);
  let next = 1;
  const worker = async () => {
    while (next < files.length) {
      const index = next++;
      const staged = await stageOne(files[index]!, first.batch, token);
      roots.set(index, staged.handle);
      onProgress(++done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(4, files.length - 1) }, worker));
  return [...new Set([...roots.entries()].sort((a, b) => a[0] - b[0]).map(([, root]) => root))];
}
