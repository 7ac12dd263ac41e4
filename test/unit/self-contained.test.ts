// The project stands on its own (docs/ARCHITECTURE.md, style rule 15): its design is written in
// docs/ARCHITECTURE.md, and no source, script, test or document cites a design or style document kept
// outside the repository. Citations of docs/ARCHITECTURE.md must name a section or rule it has.
// The forbidden names are built from pieces below, so this file does not match its own patterns.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const architecture = path.join(root, 'docs', 'ARCHITECTURE.md');

const scannedFolders = ['electron', 'renderer', 'server', 'scripts', 'test', 'build', 'docs'];
const skippedFolders = new Set(['node_modules', 'dist', 'out', 'artifacts', 'results']);
const scannedExtensions = /\.(?:ts|tsx|mts|cts|js|mjs|cjs|sh|md|ya?ml|html)$/;

/** Documents that live beside the repository, not in it: cited by name, with or without `.md`. */
const outsideDocuments = [
  ['DES', 'IGN'],
  ['STY', 'LE'],
  ['AWS', '-WIRE'],
].map((parts) => parts.join(''));
const outsideCitation = new RegExp(String.raw`\b(?:${outsideDocuments.join('|')})(?:\.md)?\b`, 'g');
/** A relative path into a `shared` folder: fine only when it stays inside the repository and names a folder that exists. */
const sharedPath = new RegExp(String.raw`(?:\.\./)+${'sha' + 'red'}/`, 'g');

function sourceFiles(): string[] {
  const files = readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isFile() && scannedExtensions.test(entry.name))
    .map((entry) => path.join(root, entry.name));
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory() && !skippedFolders.has(entry.name)) walk(full);
      else if (entry.isFile() && scannedExtensions.test(entry.name)) files.push(full);
    }
  };
  for (const folder of scannedFolders) if (existsSync(path.join(root, folder))) walk(path.join(root, folder));
  return files.sort();
}

function lineOf(text: string, index: number): number {
  return text.slice(0, index).split('\n').length;
}

/** Citations of documents outside the repository, as "path:line: text". */
function outsideCitations(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const rel = path.relative(root, file);
  const found: string[] = [];
  const at = (index: number) => `${rel}:${lineOf(text, index)}: ${text.split('\n')[lineOf(text, index) - 1]!.trim()}`;
  for (const match of text.matchAll(outsideCitation)) found.push(at(match.index));
  for (const match of text.matchAll(sharedPath)) {
    const target = path.resolve(path.dirname(file), match[0]);
    const inside = !path.relative(root, target).startsWith('..');
    if (!inside || !existsSync(target) || !statSync(target).isDirectory()) found.push(at(match.index));
  }
  return [...new Set(found)];
}

/** What docs/ARCHITECTURE.md can be cited by: "style rule N", "AWS behaviour N", "<section>: <subsection>". */
function citableNames(): Set<string> {
  const names = new Set<string>();
  const text = readFileSync(architecture, 'utf8');
  for (const [, n] of text.matchAll(/<a id="style-rule-(\d+)"><\/a>/g)) names.add(`style rule ${n}`);
  for (const [, n] of text.matchAll(/<a id="aws-(\d+)"><\/a>/g)) names.add(`aws behaviour ${n}`);
  let section = '';
  for (const line of text.split('\n')) {
    const heading = /^(#{2,3}) (.+)$/.exec(line);
    if (!heading) continue;
    const title = heading[2]!.replaceAll('&lt;', '<').replaceAll('&gt;', '>').toLowerCase();
    if (heading[1] === '##') section = title;
    names.add(heading[1] === '##' ? title : `${section}: ${title}`);
  }
  return names;
}

/** Citations of a section or rule by name (after the comma) that the document does not have. */
function danglingCitations(file: string, names: Set<string>): string[] {
  // A citation may wrap onto the next comment line.
  const text = readFileSync(file, 'utf8').replace(/\n[ \t]*(?:\/\/|\*|#)[ \t]*/g, ' ');
  const rel = path.relative(root, file);
  const found: string[] = [];
  for (const [, name] of text.matchAll(/[(;] ?docs\/ARCHITECTURE\.md, ([^()\n]{1,80})\)/g)) {
    if (!names.has(name!.trim().toLowerCase())) found.push(`${rel}: "${name}"`);
  }
  return found;
}

describe('the repository is self-contained', () => {
  it('has its design in docs/ARCHITECTURE.md', () => {
    expect(existsSync(architecture), 'docs/ARCHITECTURE.md is missing').toBe(true);
  });

  it('cites no design or style document kept outside the repository', () => {
    const files = sourceFiles();
    expect(files.length).toBeGreaterThan(100);
    const found = files.flatMap(outsideCitations);
    expect(found, `cite docs/ARCHITECTURE.md instead:\n${found.join('\n')}`).toEqual([]);
  });

  it('cites only sections and rules docs/ARCHITECTURE.md has', () => {
    const names = citableNames();
    expect(names.has('style rule 1')).toBe(true);
    const found = sourceFiles().flatMap((file) => danglingCitations(file, names));
    expect(found, `no such section or rule in docs/ARCHITECTURE.md:\n${found.join('\n')}`).toEqual([]);
  });

  it('would notice a citation from outside', () => {
    const name = outsideDocuments[0] + '.md';
    expect(`// as ${name} section 3 says`.match(outsideCitation)).toEqual([name]);
    expect(`// see ${'../'}${'shared'}/notes`.match(sharedPath)).toHaveLength(1);
  });
});
