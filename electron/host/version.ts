// The app's version for the log and the diagnostics: package.json's, found by walking up from this
// file, so it works from the sources (tsx) and from the built bundles in out/ alike.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export function packageVersion(from: string = path.dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'hoist' && pkg.version) return pkg.version;
    } catch {
      // not here: one level up
    }
    if (path.dirname(dir) === dir) return 'unknown';
  }
}
