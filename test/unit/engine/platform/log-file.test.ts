// Logs on disk rotate at their size cap and keep that many old files, the oldest dropped, on real files.
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { logFilesIn, openRotatingLogFile } from '../../../../electron/engine/platform/log-file.js';
import { createLogger } from '../../../../electron/engine/platform/log.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

const line = (n: number) => `line ${String(n).padStart(4, '0')} ${'x'.repeat(89)}`; // 100 bytes with its newline

describe('rotating log file', () => {
  it('rotates at the cap and keeps `keep` old files, newest first, dropping the oldest', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'hoist-logs-'));
    dirs.push(dir);
    const file = openRotatingLogFile(path.join(dir, 'logs'), { maxBytes: 1000, keep: 2 });
    for (let n = 0; n < 45; n++) file.write(line(n));
    file.close();

    const logs = path.join(dir, 'logs');
    expect((await readdir(logs)).sort()).toEqual(['hoist.log', 'hoist.log.1', 'hoist.log.2']);
    for (const name of ['hoist.log', 'hoist.log.1', 'hoist.log.2'])
      expect((await stat(path.join(logs, name))).size).toBeLessThanOrEqual(1000);
    const read = async (name: string) => (await readFile(path.join(logs, name), 'utf8')).trim().split('\n');
    // Ten lines a file: 40..44 now, 30..39 before, 20..29 before that; 0..19 are gone.
    expect(await read('hoist.log')).toEqual([40, 41, 42, 43, 44].map(line));
    expect(await read('hoist.log.1')).toEqual(Array.from({ length: 10 }, (_, i) => line(30 + i)));
    expect(await read('hoist.log.2')).toEqual(Array.from({ length: 10 }, (_, i) => line(20 + i)));
    expect(logFilesIn(logs, 2).map((f) => path.basename(f))).toEqual(['hoist.log', 'hoist.log.1', 'hoist.log.2']);
  });

  it('continues the file left by the previous run, and writes with mode 0600', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'hoist-logs-'));
    dirs.push(dir);
    const first = openRotatingLogFile(dir, { maxBytes: 1000, keep: 1 });
    for (let n = 0; n < 6; n++) first.write(line(n));
    first.close();
    const second = openRotatingLogFile(dir, { maxBytes: 1000, keep: 1 });
    for (let n = 6; n < 12; n++) second.write(line(n));
    second.close();
    // The second run knew the file held 600 bytes: it rotated after line 9, not at 1,600 bytes.
    expect((await readFile(path.join(dir, 'hoist.log.1'), 'utf8')).trim().split('\n')).toHaveLength(10);
    expect((await readFile(path.join(dir, 'hoist.log'), 'utf8')).trim().split('\n')).toEqual([line(10), line(11)]);
    expect((await stat(path.join(dir, 'hoist.log'))).mode & 0o777).toBe(0o600);
  });

  it('gets lines through the logger already redacted', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'hoist-logs-'));
    dirs.push(dir);
    const file = openRotatingLogFile(dir);
    createLogger({ sink: file.write }).info('signed in', { refreshToken: 'rt-secret-value', user: 'ada' });
    file.close();
    const text = await readFile(path.join(dir, 'hoist.log'), 'utf8');
    expect(text).toContain('"user":"ada"');
    expect(text).not.toContain('rt-secret-value');
  });
});
