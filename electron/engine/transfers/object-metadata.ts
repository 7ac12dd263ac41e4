// What an uploaded object says about its file, so that people can use it: a Content-Type from the
// name (mime-types' table; application/octet-stream only when the extension is unknown), so a browser
// or the S3 console shows a photo or plays a video, and the file's modification time as user metadata
// `mtime` in seconds with a fraction, as rclone writes it, so the original time can be restored.
import { lookup } from 'mime-types';
import type { FileVersion } from './journal.js';

export interface ObjectMetadata {
  ContentType: string;
  Metadata: { mtime: string };
}

export function objectMetadata(key: string, version: Pick<FileVersion, 'mtimeMs'>): ObjectMetadata {
  const name = key.slice(key.lastIndexOf('/') + 1);
  return {
    ContentType: lookup(name) || 'application/octet-stream',
    Metadata: { mtime: mtimeSeconds(version.mtimeMs) },
  };
}

/** Seconds since the epoch with the fraction the file system gave, shortest form ("1700000000.123"). */
export function mtimeSeconds(mtimeMs: number): string {
  return String(Math.round(mtimeMs * 1000) / 1e6);
}

/** The same as request headers (the lean PutObject path signs them like the SDK would). */
export function metadataHeaders(metadata: ObjectMetadata): Record<string, string> {
  return { 'content-type': metadata.ContentType, 'x-amz-meta-mtime': metadata.Metadata.mtime };
}
