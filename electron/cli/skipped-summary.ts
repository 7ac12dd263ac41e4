// What `hoist upload` says about paths it did not upload: grouped by reason, a few paths each, so
// `hoist upload /` as a user who cannot read most of it prints a screenful, not 400,000 lines
// (`--json` lists every one).
import type { SkippedPath } from '../common/contract.js';
import { printable } from './format.js';

/** Paths shown per reason on the terminal. */
export const shownPerReason = 5;

/** Lines for the terminal, without newlines; every path and reason escaped for it. */
export function summariseSkipped(skipped: SkippedPath[], shown = shownPerReason): string[] {
  const byReason = new Map<string, string[]>();
  for (const { path, reason } of skipped) {
    const paths = byReason.get(reason);
    if (paths) paths.push(path);
    else byReason.set(reason, [path]);
  }
  const lines: string[] = [];
  for (const [reason, paths] of byReason) {
    if (paths.length === 1) {
      lines.push(`not uploaded: ${shownPath(paths[0]!)}: ${printable(reason)}`);
      continue;
    }
    lines.push(`not uploaded (${paths.length.toLocaleString('en-US')}): ${printable(reason)}`);
    for (const p of paths.slice(0, shown)) lines.push(`  ${shownPath(p)}`);
    const more = paths.length - shown;
    if (more > 0) lines.push(`  … and ${more.toLocaleString('en-US')} more (--json lists every one)`);
  }
  return lines;
}

/** An empty argument shows as '' rather than as nothing at all. */
function shownPath(path: string): string {
  return path === '' ? "''" : printable(path);
}
