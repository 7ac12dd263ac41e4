// The broker's database holds password and token hashes: it is created readable by its owner only from
// the first instant (not chmod-ed after), and a folder the broker creates for it is 0700. The system calls
// are observed with strace (installed by .ci/run) on the real `broker-admin` creating a new database.
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../cognito/cloud.js';

describe('the broker database file', () => {
  it('is created 0600 in a 0700 folder, with no chmod afterwards', () => {
    const root = tempDir('broker-db-mode');
    const folder = join(root, 'state', 'broker');
    const db = join(folder, 'broker.db');
    const trace = join(root, 'trace.txt');
    const run = spawnSync(
      'strace',
      [
        '-f',
        '-qq',
        '-e',
        'trace=openat,open,creat,mkdir,mkdirat,chmod,fchmod,fchmodat',
        '-o',
        trace,
        process.execPath,
        '--import',
        'tsx',
        'server/broker/cli.ts',
        '--db',
        db,
        'add-user',
        'alice',
      ],
      { encoding: 'utf8', input: 'pw\n', env: { ...process.env } },
    );
    expect(run.error?.message, 'strace is needed (.ci/run installs it)').toBeUndefined();
    expect(run.status, run.stderr).toBe(0);
    const calls = readFileSync(trace, 'utf8').split('\n');
    const creating = calls.filter((line) => line.includes(`"${db}"`) && line.includes('O_CREAT'));
    expect(creating.length).toBeGreaterThan(0);
    expect(creating[0]).toMatch(/, 0600\) = \d+$/);
    expect(calls.filter((line) => /chmod/.test(line) && line.includes(db))).toEqual([]);
    // Made by the broker: the call that succeeded asked for 0700.
    expect(calls.find((line) => /mkdir/.test(line) && line.includes(`"${folder}"`) && / = 0$/.test(line))).toMatch(
      /, 0700\) = 0$/,
    );

    for (const file of [db, `${db}-wal`, `${db}-shm`].filter((f) => statSync(f, { throwIfNoEntry: false }))) {
      expect((statSync(file).mode & 0o777).toString(8), file).toBe('600');
    }
    expect((statSync(folder).mode & 0o777).toString(8)).toBe('700');
  });
});
