import { describe, expect, it } from 'vitest';
import { summariseSkipped } from '../../../electron/cli/skipped-summary.js';

describe('summariseSkipped', () => {
  it('names a lone skipped path with its reason on one line', () => {
    expect(summariseSkipped([{ path: '/home/ada/gone.txt', reason: 'The file or folder does not exist.' }])).toEqual([
      'not uploaded: /home/ada/gone.txt: The file or folder does not exist.',
    ]);
  });

  it('counts each reason, shows the first five paths and how many more', () => {
    const denied = Array.from({ length: 417_904 }, (_, i) => ({ path: `/srv/${i}`, reason: 'Not allowed.' }));
    const lines = summariseSkipped([...denied, { path: '/dev/pipe', reason: 'A pipe.' }]);
    expect(lines).toEqual([
      'not uploaded (417,904): Not allowed.',
      '  /srv/0',
      '  /srv/1',
      '  /srv/2',
      '  /srv/3',
      '  /srv/4',
      '  … and 417,899 more (--json lists every one)',
      'not uploaded: /dev/pipe: A pipe.',
    ]);
  });

  it('escapes control characters in paths and shows an empty path as quotes', () => {
    const lines = summariseSkipped([
      { path: '/tmp/\u001b[2Jwiped', reason: 'Bad name.' },
      { path: '', reason: 'The path is empty.' },
    ]);
    expect(lines).toEqual(['not uploaded: /tmp/\\e[2Jwiped: Bad name.', "not uploaded: '': The path is empty."]);
  });
});
