// Names on disk → destinations (keys relative to the user's prefix): "<folder label>/<relative path>",
// "/" separators, Unicode NFC. A name that cannot be a valid key is reported with a reason, never
// rewritten into something else: the user must be able to find what was and was not uploaded.
import { checkRelativeKey } from './relative-key.js';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const lossyUtf8 = new TextDecoder('utf-8');

export type DecodedName = { ok: true; name: string } | { ok: false; display: string };

/**
 * Linux file names are arbitrary bytes; Node would silently turn invalid UTF-8 into U+FFFD (and then
 * fail to open the file by that name). Directory entries are read as Buffers and decoded here.
 */
export function decodeName(raw: Buffer | string): DecodedName {
  if (typeof raw === 'string') return { ok: true, name: raw };
  try {
    return { ok: true, name: strictUtf8.decode(raw) };
  } catch {
    return { ok: false, display: lossyUtf8.decode(raw) };
  }
}

export type Destination = { ok: true; destination: string } | { ok: false; reason: string };

/** `relative` is the path inside the watched folder with "/" separators, as read from disk. */
export function folderDestination(label: string, relative: string): Destination {
  const destination = `${label}/${relative}`.normalize('NFC');
  const problem = checkRelativeKey(destination);
  return problem ? { ok: false, reason: problem } : { ok: true, destination };
}

/** The key form of a relative path (what the state DB is keyed by). */
export function keyPath(relative: string): string {
  return relative.normalize('NFC');
}
