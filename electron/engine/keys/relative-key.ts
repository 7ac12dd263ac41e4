// What may become part of an S3 key. Keys are built only from the identity id the broker returned
// plus a relative path checked here, so no file name can escape the user's prefix.

/** S3's limit for a whole key, in UTF-8 bytes. */
export const maxKeyBytes = 1024;
/** Room kept for "uploads/<region>:<uuid>/". */
const prefixAllowance = 'uploads/us-east-1:00000000-0000-0000-0000-000000000000/'.length + 16;
/** What a destination folder may take of a key: the rest is kept for "/" and at least a short file name. */
export const maxDestinationFolderBytes = maxKeyBytes - prefixAllowance - 16;

// Control characters make keys that tools and consoles mangle; S3 itself would take them.
// eslint-disable-next-line no-control-regex
const controlCharacters = /[\u0000-\u001f\u007f]/;

/**
 * Why a relative key is not acceptable, or undefined when it is. `maxBytes` is what the prefix leaves
 * of S3's limit; before the prefix is known, room for the longest identity prefix is kept.
 */
export function checkRelativeKey(relative: string, maxBytes = maxKeyBytes - prefixAllowance): string | undefined {
  if (relative.length === 0) return 'The name is empty.';
  if (relative.startsWith('/')) return 'The name is not a relative path.';
  // "/" is the only separator in keys; a backslash would be a folder on Windows and a character elsewhere.
  if (relative.includes('\\')) return 'The name contains a backslash (\\), which cannot be part of a storage key.';
  if (controlCharacters.test(relative))
    return 'The name contains control characters, which cannot be part of a storage key.';
  if (/\uFFFD/.test(relative) || !isWellFormed(relative))
    return 'The name is not valid Unicode (UTF-8), so it cannot be a storage key.';
  if (relative.split('/').some((segment) => segment === '' || segment === '.' || segment === '..'))
    return 'The name contains an empty, "." or ".." path segment.';
  if (Buffer.byteLength(relative, 'utf8') > maxBytes)
    return `The path is too long for a storage key (over ${maxKeyBytes} bytes).`;
  return undefined;
}

/**
 * Why a destination folder ("2026/november") is not acceptable, or undefined when it is: checked once
 * for a whole upload, so the reason names the folder instead of every file under it.
 */
export function checkDestinationFolder(folder: string): string | undefined {
  const trimmed = trimTrailingSlashes(folder);
  if (folder.length === 0)
    return 'The destination folder is empty: name a folder such as "2026/november", or leave it out to upload to the top of your area.';
  if (folder.startsWith('/'))
    return 'The destination folder is relative to your area, so it cannot start with "/": drop the leading "/".';
  if (folder.includes('\\')) return 'Backslashes (\\) are not allowed in storage keys: separate folders with "/".';
  if (controlCharacters.test(folder))
    return 'The destination folder contains control characters, which cannot be part of a storage key.';
  if (trimmed.split('/').some((segment) => segment === '' || segment === '.' || segment === '..')) {
    return 'The destination folder has an empty, "." or ".." part: name each folder, as in "2026/november".';
  }
  const bytes = Buffer.byteLength(trimmed, 'utf8');
  if (bytes > maxDestinationFolderBytes) {
    return (
      `The destination folder is ${bytes} bytes long; it can be at most ${maxDestinationFolderBytes} bytes, ` +
      `so that file names still fit in a ${maxKeyBytes}-byte storage key.`
    );
  }
  const other = checkRelativeKey(trimmed);
  return other && other.replace(/^The name/, 'The destination folder');
}

/** The folder as a key prefix without a trailing "/" ("2026/november/" and "2026/november" are one folder). */
export function trimTrailingSlashes(folder: string): string {
  return folder.replace(/\/+$/, '');
}

function isWellFormed(text: string): boolean {
  // String.prototype.isWellFormed is Node 20+; lone surrogates cannot be encoded as UTF-8.
  return (text as string & { isWellFormed(): boolean }).isWellFormed();
}
