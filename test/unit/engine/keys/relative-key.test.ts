import { describe, expect, it } from 'vitest';
import {
  checkDestinationFolder,
  checkRelativeKey,
  maxDestinationFolderBytes,
} from '../../../../electron/engine/keys/relative-key.js';

describe('destination folders', () => {
  it.each(['2026', '2026/november', '2026/november/', 'Photos (2)/été'])('accepts %j', (folder) => {
    expect(checkDestinationFolder(folder)).toBeUndefined();
  });

  it.each([
    ['', /is empty/],
    ['/abs', /cannot start with "\/"/],
    ['/', /cannot start with "\/"/],
    ['a\\b', /Backslashes \(\\\) are not allowed in storage keys: separate folders with "\/"/],
    ['../up', /an empty, "\." or "\.\." part/],
    ['a//b', /an empty, "\." or "\.\." part/],
    ['a/./b', /an empty, "\." or "\.\." part/],
    ['a\u001bb', /control characters/],
    [
      'x'.repeat(maxDestinationFolderBytes + 1),
      new RegExp(
        `is ${maxDestinationFolderBytes + 1} bytes long; it can be at most ${maxDestinationFolderBytes} bytes`,
      ),
    ],
    ['\ud800', /not valid Unicode/],
  ])('refuses %j with a reason about the folder', (folder, reason) => {
    expect(checkDestinationFolder(folder)).toMatch(reason);
  });

  it('leaves room for a file name once the longest folder is accepted', () => {
    const folder = 'x'.repeat(maxDestinationFolderBytes);
    expect(checkDestinationFolder(folder)).toBeUndefined();
    expect(checkRelativeKey(`${folder}/a-file-name.txt`)).toBeUndefined();
  });

  it('calls a backslash in a name a backslash, not "not a relative path"', () => {
    expect(checkRelativeKey('a\\b.txt')).toMatch(/backslash/);
  });
});
