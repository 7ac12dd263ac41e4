// README's "Layout" cannot rot: every folder or file it names exists, and every folder of the parts a newcomer
// looks into first (the top level, electron/, electron/engine/, server/, test/) is named there.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

interface Entry {
  /** Relative to the repository, folders with a trailing "/". */
  path: string;
  /** File names mentioned in its description ("index.ts is createEngine…"). */
  files: string[];
}

/** The entries of the tree drawn in README's "### Layout" code block, two spaces of indent per level. */
function layoutEntries(readme: string): Entry[] {
  const section = readme.split(/^### Layout$/m)[1];
  if (!section) throw new Error('README has no "### Layout" section');
  const block = /```\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error('README\'s "Layout" section has no code block');
  const entries: Entry[] = [];
  const parents: string[] = [];
  for (const line of block.split('\n')) {
    const match = /^( *)(\S+)(?: {2,}(.*))?$/.exec(line);
    if (!match) continue;
    const [, indent = '', name = '', description = ''] = match;
    const depth = indent.length / 2;
    // Description lines that wrap are indented further than any entry could be.
    if (!Number.isInteger(depth) || depth > parents.length || !/^[\w.-]+\/?$/.test(name)) continue;
    parents.length = depth;
    const entryPath = parents.join('') + name;
    if (name.endsWith('/')) parents.push(name);
    entries.push({
      path: entryPath,
      files: [...description.matchAll(/[\w.-]+\.(?:ts|tsx|mjs|js|md)\b/g)].map((m) => m[0]),
    });
  }
  return entries;
}

const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
const entries = layoutEntries(readme);
const named = new Set(entries.map((e) => e.path));
const ignoredFolders = new Set(['node_modules', 'out', 'dist']);
/** Folders that hold tracked files: what a build or a test run leaves behind (test-results/) is not layout. */
const trackedFolders = ((): Set<string> | undefined => {
  try {
    const files = execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }).split(
      '\n',
    );
    return new Set(
      files.flatMap((file) =>
        file
          .split('/')
          .slice(0, -1)
          .map((_, i, parts) => `${parts.slice(0, i + 1).join('/')}/`),
      ),
    );
  } catch {
    return undefined; // not a git checkout: every folder on disk counts
  }
})();
const folders = (dir: string): string[] =>
  readdirSync(path.join(root, dir), { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith('.') && !ignoredFolders.has(d.name))
    .map((d) => `${dir}${d.name}/`)
    .filter((folder) => !trackedFolders || trackedFolders.has(folder));

describe("README's layout", () => {
  it('draws a tree', () => {
    expect(entries.length).toBeGreaterThan(20);
    expect(named).toContain('electron/engine/platform/');
  });

  it('names only folders and files that exist', () => {
    const missing = entries.filter((e) => !existsSync(path.join(root, e.path))).map((e) => e.path);
    expect(missing).toEqual([]);
  });

  it('names only files that exist in or beside the folder it describes', () => {
    const missing = entries.flatMap((e) =>
      e.files
        .filter(
          (file) => ![e.path, path.posix.dirname(e.path) + '/'].some((dir) => existsSync(path.join(root, dir, file))),
        )
        .map((file) => `${e.path}: ${file}`),
    );
    expect(missing).toEqual([]);
  });

  it('names every folder at the top and in electron/, electron/engine/, server/ and test/', () => {
    const unnamed = ['', 'electron/', 'electron/engine/', 'server/', 'test/']
      .flatMap(folders)
      .filter((folder) => !named.has(folder));
    expect(unnamed).toEqual([]);
  });
});
