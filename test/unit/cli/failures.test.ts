// How a failed command is worded and which exit code it gets, one row per kind of failure.
import { describe, expect, it } from 'vitest';
import { describeFailure } from '../../../electron/cli/errors.js';
import { NotRunningError } from '../../../electron/cli/commands/control.js';
import { BadSettingError } from '../../../electron/cli/config/keys.js';
import { DataDirError } from '../../../electron/host/data-dir.js';
import { RpcCallError } from '../../../electron/common/rpc/errors.js';

const sqliteFull = Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });

describe('describeFailure', () => {
  it.each([
    ['the state DB on a full disk', sqliteFull, 1, /^The disk holding \/srv\/hoist-state is full\. Free some space/],
    [
      'a full disk, from the running instance',
      new RpcCallError({ code: 'failed', message: 'database or disk is full', detail: 'SQLITE_FULL' }),
      1,
      /^The disk holding \/srv\/hoist-state is full/,
    ],
    [
      'a data folder that cannot be one',
      new DataDirError('/srv/hoist-state', 'it cannot be written to (EROFS)'),
      1,
      /^Cannot use --data \/srv\/hoist-state as the data folder: it cannot be written to \(EROFS\)/,
    ],
    [
      'a bad setting value (hoist config set, --bwlimit, --transfers)',
      new BadSettingError("parallel-files '0': it must be at least 1."),
      2,
      /^parallel-files '0'/,
    ],
    ['no instance running', new NotRunningError('No Hoist is running on /srv/hoist-state.'), 3, /^No Hoist is running/],
    [
      'an engine error from the running instance, without its machine code',
      new RpcCallError({ code: 'failed', message: 'Sign in to continue.', detail: 'sign_in' }),
      1,
      /^Sign in to continue\.$/,
    ],
  ])('%s', (_name, error, exitCode, message) => {
    const failure = describeFailure(error, { data: '/srv/hoist-state' });
    expect(failure.exitCode).toBe(exitCode);
    expect(failure.message).toMatch(message);
  });
});
