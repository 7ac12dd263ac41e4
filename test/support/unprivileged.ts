// Tests of unreadable files need a process the kernel refuses a mode-000 file. Root reads everything
// (its capabilities override file permissions), so when the tests run as root such a process is
// arranged, in this order of preference:
//   1. root without the two capabilities that override file permissions (`setpriv`): same user, so
//      it reads the checkout wherever it lives (even under a private 0700 folder), and files root
//      made with mode 000 are refused to it like to anyone;
//   2. the unprivileged user "nobody", when nobody can load the checkout (node_modules, native addons);
//   3. none: the reason says why, and the test skips printing it.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

export type Unprivileged =
  | { kind: 'self' } // not root: the tests' own user is already refused mode-000 files
  | { kind: 'no-override'; wrap(command: string, args: string[]): [string, string[]]; uid: number; gid: number }
  | { kind: 'nobody'; uid: number; gid: number }
  | { kind: 'none'; reason: string };

const NOBODY = 65534;
const DROP = ['--bounding-set', '-dac_override,-dac_read_search', '--'];
const require = createRequire(import.meta.url);

/** A child that loads the checkout's native SQLite addon, and proves it is refused a mode-000 file. */
function probe(prefix: string[], options: { uid?: number; gid?: number }): { ok: boolean; output: string } {
  const script = [
    "const fs = require('node:fs'); const os = require('node:os'); const path = require('node:path');",
    'const Database = require(process.argv[1]); new Database(":memory:").close();',
    "const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hoist-probe-')); const f = path.join(dir, 'locked');",
    "fs.writeFileSync(f, 'x'); fs.chmodSync(f, 0);",
    "let refused = false; try { fs.readFileSync(f); } catch (e) { refused = e.code === 'EACCES'; }",
    'fs.rmSync(dir, { recursive: true, force: true }); if (!refused) { console.error("a mode-000 file was readable"); process.exit(3); }',
  ].join('\n');
  const [command, ...rest] = [...prefix, process.execPath];
  const r = spawnSync(command!, [...rest, '-e', script, require.resolve('better-sqlite3')], {
    ...options,
    encoding: 'utf8',
    timeout: 30_000,
  });
  const lines = `${r.error?.message ?? ''}\n${r.stderr ?? ''}`.split('\n').filter((l) => l.trim());
  return {
    ok: r.status === 0,
    output: lines.find((l) => /Error|readable/.test(l))?.trim() ?? lines[0]?.trim() ?? `exit ${r.status}`,
  };
}

let cached: Unprivileged | undefined;

export function unprivileged(): Unprivileged {
  if (cached) return cached;
  if (process.getuid?.() !== 0) return (cached = { kind: 'self' });
  const noOverride = probe(['setpriv', ...DROP], {});
  if (noOverride.ok)
    return (cached = {
      kind: 'no-override',
      wrap: (command, args) => ['setpriv', [...DROP, command, ...args]],
      uid: 0,
      gid: 0,
    });
  const nobody = probe([], { uid: NOBODY, gid: NOBODY });
  if (nobody.ok) return (cached = { kind: 'nobody', uid: NOBODY, gid: NOBODY });
  return (cached = {
    kind: 'none',
    reason: `running as root, and neither root without its file-permission override (setpriv: ${noOverride.output || 'failed'}) nor "nobody" (${nobody.output || 'failed'}) can load this checkout and be refused a mode-000 file`,
  });
}
