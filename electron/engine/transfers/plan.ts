// Part planning for multipart uploads: 5 MiB–5 GiB parts, at most 10,000 of them (docs/ARCHITECTURE.md,
// Data safety: multipart limits).
export const MiB = 1024 * 1024;
export const MIN_PART_SIZE = 5 * MiB;
export const MAX_PART_SIZE = 5 * 1024 * MiB;
export const MAX_PARTS = 10_000;
export const MAX_OBJECT_SIZE = MAX_PARTS * MAX_PART_SIZE; // 48.8 TiB
/** Like awscli's multipart_threshold/chunksize: 8 MiB parts keep per-request overhead small and memory low. */
export const DEFAULT_PART_SIZE = 8 * MiB;

export class ObjectTooLargeError extends RangeError {
  override name = 'ObjectTooLargeError';
}

export interface PlannedPart {
  number: number;
  offset: number;
  size: number;
}

/** max(configured, size / 10,000) rounded up to whole MiB, within S3's part limits. */
export function partSizeFor(size: number, configured: number = DEFAULT_PART_SIZE): number {
  const needed = Math.max(configured, Math.ceil(size / MAX_PARTS), MIN_PART_SIZE);
  return Math.min(Math.ceil(needed / MiB) * MiB, MAX_PART_SIZE);
}

/**
 * A file that fits in one part goes as one PutObject: multipart would cost three requests for
 * nothing, and re-sending at most one part's worth after a crash is cheap.
 */
export function isSinglePut(size: number, partSize: number): boolean {
  return size <= partSize;
}

export function planParts(size: number, partSize: number): PlannedPart[] {
  if (size > MAX_OBJECT_SIZE)
    throw new ObjectTooLargeError(`a file of ${size} bytes exceeds S3's 48.8 TiB object limit`);
  const parts: PlannedPart[] = [];
  for (let offset = 0, number = 1; offset < size; offset += partSize, number++) {
    parts.push({ number, offset, size: Math.min(partSize, size - offset) });
  }
  if (parts.length > MAX_PARTS)
    throw new ObjectTooLargeError(`${parts.length} parts exceed S3's limit of ${MAX_PARTS}`);
  return parts;
}
