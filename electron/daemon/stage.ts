// Staging for files dropped into a plain browser, which never reveals a dropped file's path: the page
// streams each file to POST /api/stage?name=<relative path>[&batch=<id>], we write it under
// <stagingDir>/<batch>/<relative path> and answer {batch, path, root, handle}. The page then passes the
// handle of each distinct `root` (a loose file, or the top folder of a dropped folder) to transfers.add,
// so a dropped folder keeps its shape. A batch holds at most `budget.maxBatchBytes` (a page cannot fill the disk through us;
// past it: StageTooLargeError, answered 413); names are sanitised segment by segment.
import { randomUUID } from 'node:crypto';
import { mkdir, open, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { EXCLUSIVE_FLAGS } from '../engine/platform/atomic-file.js';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { IncomingMessage } from 'node:http';

export interface Staged {
  batch: string;
  /** Where the file now is. */
  path: string;
  /** What to pass to transfers.add: the file itself, or the top folder it was dropped in. */
  root: string;
}

const batchPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** One path segment made safe: no separators, no control characters, no "." or "..", at most 200 chars. */
export function sanitiseSegment(segment: string): string {
  const cleaned = segment
    .normalize('NFC')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f/\\:*?"<>|]/g, '_')
    .replace(/^[\s.]+|[\s.]+$/g, '')
    .slice(0, 200);
  return cleaned === '' ? 'file' : cleaned;
}

/** A relative path split into safe segments (at most 64 levels); undefined when nothing usable remains. */
export function sanitiseRelativePath(name: string): string[] | undefined {
  const segments = name.split(/[/\\]+/).filter((s) => s !== '' && s !== '.' && s !== '..');
  if (segments.length === 0 || segments.length > 64) return undefined;
  return segments.map(sanitiseSegment);
}

export class StageError extends Error {}

export class StageTooLargeError extends Error {
  constructor(readonly maxBatchBytes: number) {
    super(`A drop may stage at most ${maxBatchBytes} bytes.`);
  }
}

/** Bytes staged per batch by this daemon, and when each batch was last written to. */
export class StagingBudget {
  private readonly batches = new Map<string, { bytes: number; touchedAt: number }>();

  constructor(
    readonly maxBatchBytes: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts `bytes` more for `batch`; false (nothing counted) when that would pass the cap. */
  take(batch: string, bytes: number): boolean {
    const entry = this.batches.get(batch) ?? { bytes: 0, touchedAt: 0 };
    if (entry.bytes + bytes > this.maxBatchBytes) return false;
    this.batches.set(batch, { bytes: entry.bytes + bytes, touchedAt: this.now() });
    return true;
  }

  fits(batch: string, bytes: number): boolean {
    return (this.batches.get(batch)?.bytes ?? 0) + bytes <= this.maxBatchBytes;
  }

  release(batch: string, bytes: number): void {
    const entry = this.batches.get(batch);
    if (entry) entry.bytes = Math.max(0, entry.bytes - bytes);
  }

  /** True for a batch written to within `withinMs`: its page may still be about to queue it. */
  recent(batch: string, withinMs: number): boolean {
    const entry = this.batches.get(batch);
    return entry !== undefined && this.now() - entry.touchedAt < withinMs;
  }
}

export async function stageUpload(
  stagingDir: string,
  url: URL,
  body: IncomingMessage,
  budget: StagingBudget,
): Promise<Staged> {
  const segments = sanitiseRelativePath(url.searchParams.get('name') ?? '');
  if (!segments) throw new StageError('bad name');
  const given = url.searchParams.get('batch');
  if (given !== null && !batchPattern.test(given)) throw new StageError('bad batch');
  const batch = given ?? randomUUID();
  const batchDir = path.join(stagingDir, batch);
  // A batch must be one we created; a client cannot make us write into a directory of its choosing.
  if (given !== null && !(await stat(batchDir).catch(() => undefined))?.isDirectory())
    throw new StageError('unknown batch');

  const target = path.join(batchDir, ...segments);
  if (!target.startsWith(batchDir + path.sep)) throw new StageError('bad name');
  // A declared length past the cap is refused before anything is written.
  const declared = Number(body.headers['content-length'] ?? 0);
  if (Number.isFinite(declared) && !budget.fits(batch, declared)) throw new StageTooLargeError(budget.maxBatchBytes);
  await mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
  // Exclusive, never through a link, readable by the user only: never overwrite (two files with one name
  // in one batch is a client error), and a link planted in the staging folder is never written through.
  const handle = await open(target, EXCLUSIVE_FLAGS, 0o600).catch((err: NodeJS.ErrnoException) => {
    throw err.code === 'EEXIST' ? new StageError('exists') : err;
  });
  const out = handle.createWriteStream();
  let counted = 0;
  const capped = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      if (!budget.take(batch, chunk.length)) return done(new StageTooLargeError(budget.maxBatchBytes));
      counted += chunk.length;
      done(null, chunk);
    },
  });
  // Piped by hand rather than through pipeline(): a failure must not destroy the request, whose socket
  // still carries our answer (413 when the cap is passed).
  const written = pipeline(capped, out);
  body.once('error', (err) => capped.destroy(err));
  body.once('aborted', () => capped.destroy(new Error('request aborted')));
  body.pipe(capped);
  try {
    await written;
  } catch (err) {
    body.unpipe(capped);
    budget.release(batch, counted);
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new StageError('exists');
    // The exclusive open created the file: whatever is at target now is our partial file (wait for the
    // stream to close first).
    if (!out.closed) await new Promise<void>((resolve) => out.once('close', () => resolve()));
    await rm(target, { force: true });
    throw err;
  }
  return { batch, path: target, root: path.join(batchDir, segments[0]!) };
}
