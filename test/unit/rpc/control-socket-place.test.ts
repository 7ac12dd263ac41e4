// Where the control socket goes and how its control file is written, on the real file system: under
// $XDG_RUNTIME_DIR only when that folder is ours and private, else <data>/run, else a folder of ours in
// the temp folder; each folder 0700 (narrowed when it was wider), a link in its place refused; the
// control file 0600, written through no link planted where it goes.
import { existsSync, lstatSync, readFileSync, statSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ControlSocketPlaceError, prepareControlSocketPath } from '../../../electron/rpc/socket/path.js';
import {
  controlFilePath,
  readControlFile,
  secretMatches,
  writeControlFile,
} from '../../../electron/rpc/socket/secret.js';

let work: string;
const mode = (p: string) => statSync(p).mode & 0o777;

beforeEach(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'hoist-place-'));
});
afterEach(async () => rm(work, { recursive: true, force: true }));

describe.skipIf(process.platform === 'win32')('the control socket on Unix', () => {
  it('goes under $XDG_RUNTIME_DIR in a 0700 folder when that folder is ours and private', async () => {
    const runtime = path.join(work, 'runtime');
    await mkdir(runtime, { mode: 0o700 });
    const socket = prepareControlSocketPath(path.join(work, 'data'), { XDG_RUNTIME_DIR: runtime });
    expect(path.dirname(socket)).toBe(path.join(runtime, 'hoist'));
    expect(socket).toMatch(/[0-9a-f]{16}\.sock$/);
    expect(mode(path.dirname(socket))).toBe(0o700);
  });

  it('ignores a $XDG_RUNTIME_DIR open to others and uses a 0700 run folder in the data folder', async () => {
    const runtime = path.join(work, 'runtime');
    await mkdir(runtime);
    await chmod(runtime, 0o755);
    const data = path.join(work, 'data');
    await mkdir(data);
    expect(prepareControlSocketPath(data, { XDG_RUNTIME_DIR: runtime })).toBe(path.join(data, 'run', 'hoist.sock'));
    expect(mode(path.join(data, 'run'))).toBe(0o700);
    expect(prepareControlSocketPath(data, {})).toBe(path.join(data, 'run', 'hoist.sock'));
  });

  it('narrows a run folder of ours that is open to others back to 0700', async () => {
    const data = path.join(work, 'data');
    await mkdir(path.join(data, 'run'), { recursive: true });
    await chmod(path.join(data, 'run'), 0o777);
    prepareControlSocketPath(data, {});
    expect(mode(path.join(data, 'run'))).toBe(0o700);
  });

  it('refuses a link in place of the run folder', async () => {
    const data = path.join(work, 'data');
    await mkdir(path.join(work, 'elsewhere'));
    await mkdir(data);
    await symlink(path.join(work, 'elsewhere'), path.join(data, 'run'));
    expect(() => prepareControlSocketPath(data, {})).toThrow(ControlSocketPlaceError);
  });

  it('uses a 0700 folder of ours in the temp folder when the data folder is too deep for a socket path', async () => {
    const deep = path.join(work, 'd'.repeat(60), 'e'.repeat(60));
    const previous = process.env.TMPDIR;
    process.env.TMPDIR = work;
    try {
      const socket = prepareControlSocketPath(deep, {});
      expect(path.dirname(socket)).toBe(path.join(work, `hoist-${process.getuid!()}`));
      expect(mode(path.dirname(socket))).toBe(0o700);
      expect(Buffer.byteLength(socket)).toBeLessThan(100);
    } finally {
      if (previous === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = previous;
    }
  });
});

describe('the control file', () => {
  it('is created 0600 with the socket and the secret', () => {
    const file = writeControlFile(work, { socket: '/run/x.sock', secret: 's3cret' });
    expect(file).toBe(controlFilePath(work));
    if (process.platform !== 'win32') expect(mode(file)).toBe(0o600);
    expect(readControlFile(work)).toEqual({ socket: '/run/x.sock', secret: 's3cret' });
  });

  it('replaces a link planted where it goes instead of writing through it', async () => {
    const target = path.join(work, 'victim.txt');
    await writeFile(target, 'untouched');
    await symlink(target, controlFilePath(work));
    writeControlFile(work, { socket: '/run/x.sock', secret: 's3cret' });
    expect(await readFile(target, 'utf8')).toBe('untouched');
    expect(lstatSync(controlFilePath(work)).isSymbolicLink()).toBe(false);
    expect(JSON.parse(readFileSync(controlFilePath(work), 'utf8'))).toEqual({
      socket: '/run/x.sock',
      secret: 's3cret',
    });
  });

  it('is missing (ENOENT) when no Hoist runs, and matches only the exact secret', () => {
    expect(existsSync(controlFilePath(work))).toBe(false);
    expect(() => readControlFile(work)).toThrow(/ENOENT/);
    expect(secretMatches('abc', 'abc')).toBe(true);
    for (const wrong of ['abd', 'ab', 'abcd', '', undefined, 42]) expect(secretMatches(wrong, 'abc')).toBe(false);
  });
});
