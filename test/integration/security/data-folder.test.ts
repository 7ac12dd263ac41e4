// The data folder (electron/host/data-dir.ts) holds the state database, the control socket and the
// headless ready file. On real folders: a new one is created 0700; one of ours that group or others can
// reach is narrowed to 0700 at start; one another user owns is refused, naming the folder and the fix,
// and nothing is written into it. Changing a folder's owner needs root: the tests run as root here, and
// the last one says so and skips otherwise.
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { prepareDataDir } from '../../../electron/host/data-dir.js';
import { hoist } from '../../support/hoist-cli.js';

const work = mkdtempSync(path.join(tmpdir(), 'hoist-data-folder-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const NOBODY = 65534;
const isRoot = process.getuid?.() === 0;

describe('the data folder', () => {
  it('is created 0700, each missing level of it', () => {
    const dir = path.join(work, 'new', 'Hoist');
    prepareDataDir(dir);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(path.dirname(dir)).mode & 0o777).toBe(0o700);
  });

  it('is narrowed to 0700 at start when group or others can reach it', () => {
    const dir = mkdtempSync(path.join(work, 'wide-'));
    chmodSync(dir, 0o775);
    prepareDataDir(dir);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    chmodSync(dir, 0o705);
    prepareDataDir(dir);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });

  it.skipIf(!isRoot)('is refused when another user owns it, naming the folder and the fix (needs root)', async () => {
    const dir = mkdtempSync(path.join(work, 'theirs-'));
    chownSync(dir, NOBODY, NOBODY);
    chmodSync(dir, 0o777);
    const r = await hoist(['--data', dir, 'config', 'set', 'parallel-files', '2']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`Cannot use --data ${dir} as the data folder`);
    expect(r.stderr).toContain(`it belongs to another user (uid ${NOBODY}, not 0)`);
    expect(r.stderr).toContain(`chown -R 0 '${dir}' && chmod 700 '${dir}'`);
    // Left as it was: not taken over, not narrowed, nothing written into it.
    expect(statSync(dir)).toMatchObject({ uid: NOBODY });
    expect(statSync(dir).mode & 0o777).toBe(0o777);
    expect(readdirSync(dir)).toEqual([]);
    expect(existsSync(path.join(dir, 'settings.json'))).toBe(false);
  });
});
