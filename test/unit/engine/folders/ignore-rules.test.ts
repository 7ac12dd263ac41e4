import { describe, expect, it } from 'vitest';
import { createIgnoreRules, defaultIgnorePatterns } from '../../../../electron/engine/folders/ignore-rules.js';

describe('ignore rules', () => {
  const rules = createIgnoreRules();

  it.each([
    '.DS_Store',
    'sub/.DS_Store',
    'Thumbs.db',
    'a/b/desktop.ini',
    '~$report.docx',
    'docs/~$budget.xlsx',
    'cache.tmp',
    'movie.mkv.part',
    'setup.exe.crdownload',
    '.~lock.letter.odt#',
  ])('ignores %s by default', (relative) => {
    expect(rules.ignores(relative, false)).toBe(true);
  });

  it.each(['report.docx', 'photo.jpg', 'part', 'notes.tmp.txt', 'a~$b', 'partial/file.txt', 'tmp/file.txt'])(
    'keeps %s',
    (relative) => {
      expect(rules.ignores(relative, false)).toBe(false);
    },
  );

  it('never ignores the folder itself', () => {
    expect(rules.ignores('', true)).toBe(false);
  });

  it('adds user patterns in gitignore syntax, directory-only patterns included', () => {
    const user = createIgnoreRules(['*.log', 'build/', '/top-only.txt']);
    expect(user.ignores('a/b/debug.log', false)).toBe(true);
    expect(user.ignores('build', true)).toBe(true);
    expect(user.ignores('build', false)).toBe(false);
    expect(user.ignores('src/build', true)).toBe(true);
    expect(user.ignores('top-only.txt', false)).toBe(true);
    expect(user.ignores('sub/top-only.txt', false)).toBe(false);
    // defaults still apply
    expect(user.ignores('x.part', false)).toBe(true);
  });

  it('lets a user pattern bring a default back', () => {
    const user = createIgnoreRules(['!keep.tmp']);
    expect(user.ignores('keep.tmp', false)).toBe(false);
    expect(user.ignores('other.tmp', false)).toBe(true);
  });

  it('lists every default the issue asks for', () => {
    expect([...defaultIgnorePatterns].sort()).toEqual(
      ['*.crdownload', '*.part', '*.tmp', '.DS_Store', '.~lock.*', 'Thumbs.db', 'desktop.ini', '~$*'].sort(),
    );
  });

  it('answers the same after many look-ups (the matcher is renewed to bound its per-path cache)', () => {
    const user = createIgnoreRules(['build/', '!keep.tmp']);
    for (let n = 0; n < 10_000; n++) {
      expect(user.ignores(`dir-${n}/file-${n}.txt`, false)).toBe(false);
      if (n % 997 === 0) {
        expect(user.ignores(`dir-${n}/x.tmp`, false)).toBe(true);
        expect(user.ignores(`dir-${n}/keep.tmp`, false)).toBe(false);
        expect(user.ignores(`dir-${n}/build`, true)).toBe(true);
        expect(user.ignores(`dir-${n}/build/out.js`, false)).toBe(true);
      }
    }
  });
});
