// What the small-file reader (small-file-reader.ts) and its thread send each other. Kept apart so the
// thread's bundle holds only this and the file calls, not the reader's side.
import type { BigIntStats } from 'node:fs';
import type { ThreadFsError } from '../platform/thread-fs-error.js';

/** A stat as the worker sends it: bigints as decimal strings. */
export interface StatReply {
  size: string;
  mtimeNs: string;
  ctimeNs: string;
  ino: string;
  isFile: boolean;
}

/** One file to read (small-file-reader.worker.ts). */
export interface ReadRequest {
  id: number;
  path: string;
  limit: number;
}

/** What the worker answers: the stats around the read and the bytes, or the fs error. */
export interface ReadReply {
  id: number;
  before?: StatReply;
  after?: StatReply;
  buffer?: ArrayBuffer;
  got?: number;
  error?: ThreadFsError;
}

/** A stat as the thread sends it. */
export const statReply = (s: BigIntStats): StatReply => ({
  size: String(s.size),
  mtimeNs: String(s.mtimeNs),
  ctimeNs: String(s.ctimeNs),
  ino: String(s.ino),
  isFile: s.isFile(),
});
