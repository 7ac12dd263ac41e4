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

export function createIgnoreRules(userPatterns: readonly string[] = []): IgnoreRules {
  const matcher = ignore({ allowRelativePaths: true }).add([...defaultIgnorePatterns, ...userPatterns]);
  return {
    ignores(relative, isDirectory) {
      if (relative === '') return false;
      // The package caches per path; a dir-only pattern ("build/") only matches the form with a slash.
      return matcher.ignores(isDirectory ? `${relative}/` : relative);
    },
  };
}
