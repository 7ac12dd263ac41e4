// Which paths inside a watched folder are never uploaded: system litter, lock files and partial
// downloads by default, plus the user's own patterns in gitignore syntax (the `ignore` package, the
// same matcher eslint and prettier use). User patterns come after the defaults, so "!*.tmp" can
// bring temporary files back.
import ignore from 'ignore';

export const defaultIgnorePatterns: readonly string[] = [
  '.DS_Store',
  'Thumbs.db',
  'desktop.ini',
  // Office's owner files while a document is open.
  '~$*',
  '*.tmp',
  // Partial downloads (Firefox and others; Chrome): the finished file appears under its real name.
  '*.part',
  '*.crdownload',
  // LibreOffice lock files.
  '.~lock.*',
];

export interface IgnoreRules {
  /** `relative` uses "/" separators and no leading "./"; directories are matched with dir-only patterns too. */
  ignores(relative: string, isDirectory: boolean): boolean;
}

/**
 * The `ignore` package remembers the answer for every path it was ever asked about (and each of its
 * parent folders), for as long as the matcher lives: 100,000 files would stay in memory for good. So
 * the matcher is made afresh every `cacheLimit` look-ups, which bounds that cache and keeps the part
 * that pays (the parent folders of the files being scanned right now).
 */
const cacheLimit = 4096;

export function createIgnoreRules(userPatterns: readonly string[] = []): IgnoreRules {
  const patterns = [...defaultIgnorePatterns, ...userPatterns];
  const fresh = () => ignore({ allowRelativePaths: true }).add(patterns);
  let matcher = fresh();
  let lookups = 0;
  return {
    ignores(relative, isDirectory) {
      if (relative === '') return false;
      if (++lookups > cacheLimit) {
        matcher = fresh();
        lookups = 0;
      }
      // A dir-only pattern ("build/") only matches the form with a slash.
      return matcher.ignores(isDirectory ? `${relative}/` : relative);
    },
  };
}
