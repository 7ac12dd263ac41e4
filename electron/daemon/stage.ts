// Staging for files dropped into a plain browser, which never reveals a dropped file's path: the page
// streams each file to POST /api/stage?name=<relative path>[&batch=<id>], we write it under
// <stagingDir>/<batch>/<relative path> and answer {batch, path, root}. The page then passes each distinct
// `root` (a loose file, or the top folder of a dropped folder) to transfers.add, so a dropped folder
// keeps its shape. Size is limited by the disk only; names are sanitised segment by segment.
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
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

export async function stageUpload(stagingDir: string, url: URL, body: IncomingMessage): Promise<Staged> {
  const segments = sanitiseRelativePath(url.searchParams.get('name') ?? '');
  if (!segments) throw new StageError('bad name');
  const given = url.searchParams.get('batch');
  if (given !== null && !batchPattern.test(given)) throw new StageError('bad batch');
  const batch = given ?? randomUUID();
  const batchDir = path.join(stagingDir, batch);
  // A batch must be one we created; a client cannot make us write into a directory of its choosing.
  if (given !== null && !(await stat(batchDir).catch(() => undefined))?.isDirectory()) throw new StageError('unknown batch');

  const target = path.join(batchDir, ...segments);
  if (!target.startsWith(batchDir + path.sep)) throw new StageError('bad name');
  await mkdir(path.dirname(target), { recursive: true });
  // 'wx': never overwrite; two files with one name in one batch is a client error.
  const out = createWriteStream(target, { flags: 'wx' });
  let created = false;
  out.once('open', () => (created = true));
  try {
    await pipeline(body, out);
  } catch (err) {
    // Remove only a partial file we created ourselves, never one that was already there.
    if (created) await rm(target, { force: true });
    throw (err as NodeJS.ErrnoException).code === 'EEXIST' ? new StageError('exists') : err;
  }
  return { batch, path: target, root: path.join(batchDir, segments[0]!) };
}
