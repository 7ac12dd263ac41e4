// What may become part of an S3 key. Keys are built only from the identity id the broker returned
// plus a relative path checked here, so no file name can escape the user's prefix.

/** S3's limit for a whole key, in UTF-8 bytes. */
export const maxKeyBytes = 1024;
/** Room kept for "uploads/<region>:<uuid>/". */
const prefixAllowance = 'uploads/us-east-1:00000000-0000-0000-0000-000000000000/'.length + 16;

/**
 * Why a relative key is not acceptable, or undefined when it is. `maxBytes` is what the prefix leaves
 * of S3's limit; before the prefix is known, room for the longest identity prefix is kept.
 */
export function checkRelativeKey(relative: string, maxBytes = maxKeyBytes - prefixAllowance): string | undefined {
  if (relative.length === 0) return 'The name is empty.';
  if (relative.startsWith('/') || relative.includes('\\')) return 'The name is not a relative path.';
  // Control characters make keys that tools and consoles mangle; S3 itself would take them.
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(relative)) return 'The name contains control characters, which cannot be part of a storage key.';
  if (/\uFFFD/.test(relative) || !isWellFormed(relative)) return 'The name is not valid Unicode (UTF-8), so it cannot be a storage key.';
  if (relative.split('/').some((segment) => segment === '' || segment === '.' || segment === '..')) return 'The name contains an empty, "." or ".." path segment.';
  if (Buffer.byteLength(relative, 'utf8') > maxBytes) return `The path is too long for a storage key (over ${maxKeyBytes} bytes).`;
  return undefined;
}

function isWellFormed(text: string): boolean {
  // String.prototype.isWellFormed is Node 20+; lone surrogates cannot be encoded as UTF-8.
  return (text as string & { isWellFormed(): boolean }).isWellFormed();
}
