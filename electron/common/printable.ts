// Text that is safe to print to a terminal, shared by the command line and the engine's text log.

/**
 * C0 and C1 control characters and DEL (which can move the cursor, recolour or rewrite the screen: a
 * file name is anybody's text) become visible escapes, and a backslash is doubled so that an escape
 * cannot be forged. A plain regex: no library escapes C1 too.
 */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\\\u0000-\u001f\u007f-\u009f]/g, (c) => {
    if (c === '\\') return '\\\\';
    if (c === '\n') return '\\n';
    if (c === '\t') return '\\t';
    if (c === '\r') return '\\r';
    if (c === '\u001b') return '\\e';
    return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
}
