// Path containment on resolved paths, shared by everything that keeps Hoist's own data folder out of
// uploads and watched folders.
import path from 'node:path';

/** Whether `inner` is `outer` or lies inside it. */
export function contains(outer: string, inner: string): boolean {
  const rel = path.relative(outer, inner);
  // "..foo" is a name inside; only ".." itself or "../…" leads out.
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}
