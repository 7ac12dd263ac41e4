// `hoist config list|get|set` and `--bwlimit` / `--transfers`, as real `hoist` processes against a real
// local stack: settings written for the next start when no Hoist runs (and read back by new processes,
// the engine included), applied at once to a running `hoist sync` (which then behaves accordingly), and
// every bad value refused with exit 2, the settings file left byte for byte as it was, nothing uploaded.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hoist as run, startHoist, type CliResult } from '../../support/hoist-cli.js';
import { pollUntil } from '../../support/poll.js';
import { sha256, startTestStack, type TestStack } from '../../support/stack.js';

const user = { username: 'fern', password: 'settings from the command line' };
const signedIn = { HOIST_USERNAME: user.username, HOIST_PASSWORD: user.password };
const stackTrace = /\n\s+at /;

let env: TestStack;
let work: string;
let caseNumber = 0;

beforeAll(async () => {
  env = await startTestStack({ users: [user] });
  work = await mkdtemp(path.join(os.tmpdir(), 'hoist-config-'));
});
afterAll(async () => {
  await env?.close();
  await rm(work, { recursive: true, force: true });
});

/** A data folder of its own for each use, never the real default one. */
function freshData(): string {
  return path.join(work, `state-${++caseNumber}`);
}

function hoist(data: string, args: string[]): Promise<CliResult> {
  // No D-Bus, so no keychain: these runs never touch one on the machine running the tests.
  return run(['--data', data, ...args], {
    env: {
      ...signedIn,
      HOIST_DATA_DIR: path.join(work, 'default'),
      DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent',
    },
  });
}

async function ok(data: string, args: string[]): Promise<string> {
  const r = await hoist(data, args);
  expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(0);
  return r.stdout;
}

const get = async (data: string, key: string) => (await ok(data, ['config', 'get', key])).trim();
const settingsFile = (data: string) => path.join(data, 'settings.json');

interface Listing {
  from: 'running' | 'file';
  settings: Record<string, { value: string; raw: unknown }>;
}

async function userKeys(): Promise<string[]> {
  return env.listKeys('uploads/');
}

describe('with no Hoist running', () => {
  let state: string;

  it('lists the defaults and what each key takes, creating nothing', async () => {
    state = freshData();
    const data = state;
    const listing = JSON.parse(await ok(data, ['config', 'list', '--json'])) as Listing;
    expect(listing.from).toBe('file');
    expect(listing.settings).toMatchObject({
      'parallel-files': { value: '4', raw: 4 },
      'parallel-parts': { value: '4', raw: 4 },
      'bandwidth-limit': { value: 'off', raw: null },
      'stability-window': { value: '2s', raw: 2000 },
      'ignore-patterns': { value: '', raw: [] },
      'start-at-login': { value: 'off', raw: false },
    });
    const text = await ok(data, ['config', 'list']);
    expect(text).toMatch(/^No Hoist is running on .+: the settings it will start with\.$/m);
    expect(text).toMatch(/^bandwidth-limit +off +upload speed limit/m);
    // Listing creates nothing.
    expect(existsSync(data)).toBe(false);
    const help = await ok(data, ['config', '--help']);
    for (const key of Object.keys(listing.settings)) expect(help).toMatch(new RegExp(`^  ${key} `, 'm'));
    expect(help).toMatch(/a size such as 512k, 10M or 1\.5G \(k = KiB, M = MiB, G = GiB/);
  });

  it('saves each setting for the next start, and new processes (the engine too) read them back', async () => {
    const data = state;
    const set = await ok(data, ['config', 'set', 'parallel-files', '6']);
    expect(set).toMatch(/^parallel-files = 6: saved for the next start \(no Hoist is running on .+\)\.$/m);
    await ok(data, ['config', 'set', 'bandwidth-limit', '1.5M']);
    await ok(data, ['config', 'set', 'stability-window', '500ms']);
    await ok(data, ['config', 'set', 'ignore-patterns', '*.log,build/']);
    await ok(data, ['config', 'set', 'start-at-login', 'on']);
    await ok(data, ['config', 'set', 'parallel-parts', '3']);

    expect(await get(data, 'bandwidth-limit')).toBe('1.5M');
    const values = Object.fromEntries(
      Object.entries((JSON.parse(await ok(data, ['config', 'list', '--json'])) as Listing).settings).map(([k, v]) => [
        k,
        v.value,
      ]),
    );
    expect(values).toEqual({
      'parallel-files': '6',
      'parallel-parts': '3',
      'bandwidth-limit': '1.5M',
      'stability-window': '500ms',
      'ignore-patterns': '*.log,build/',
      'start-at-login': 'on',
      'proxy-url': '',
      'ca-file': '',
      notifications: 'on',
    });
    expect(JSON.parse(await readFile(settingsFile(data), 'utf8'))).toEqual({
      filesInParallel: 6,
      partsInParallel: 3,
      bandwidthLimit: 1.5 * 1024 * 1024,
      stabilityWindowMs: 500,
      ignorePatterns: ['*.log', 'build/'],
      startAtLogin: true,
      proxyUrl: null,
      caFile: null,
      notifications: true,
    });

    // A new engine starts with them: what `upload --json` reports it runs with.
    const file = path.join(work, `saved-${caseNumber}.bin`);
    await writeFile(file, randomBytes(4096));
    const upload = await hoist(data, ['--broker', env.stack.brokerUrl, 'upload', file, '--json']);
    expect(upload.code, upload.stderr).toBe(0);
    expect((JSON.parse(upload.stdout) as { limits: unknown }).limits).toEqual({
      bandwidthLimit: 1.5 * 1024 * 1024,
      filesInParallel: 6,
      partsInParallel: 3,
    });
  }, 240_000);

  it('turns the limit off and clears the patterns', async () => {
    const data = state;
    await ok(data, ['config', 'set', 'bandwidth-limit', 'off']);
    expect(await get(data, 'bandwidth-limit')).toBe('off');
    await ok(data, ['config', 'set', 'ignore-patterns', '']);
    expect(JSON.parse(await readFile(settingsFile(data), 'utf8'))).toMatchObject({
      bandwidthLimit: null,
      ignorePatterns: [],
    });
  });
});

interface BadCase {
  name: string;
  args: string[];
  /** Must all match stderr: the key or option, and the accepted form. */
  says: RegExp[];
  /** Must appear nowhere in the output (a password). */
  never?: string;
}

const badSettings: BadCase[] = [
  {
    name: 'an unknown key',
    args: ['config', 'set', 'speed', '10M'],
    says: [/There is no setting 'speed'\. The settings are: parallel-files, parallel-parts, bandwidth-limit/],
  },
  { name: 'an unknown key to get', args: ['config', 'get', 'speed'], says: [/There is no setting 'speed'/] },
  {
    name: 'a size with an unknown suffix',
    args: ['config', 'set', 'bandwidth-limit', '10X'],
    says: [
      /bandwidth-limit '10X': 'X' is not a size suffix/,
      /Give bytes per second as a size such as 512k, 10M or 1\.5G/,
    ],
  },
  {
    name: 'a decimal size unit rclone refuses',
    args: ['config', 'set', 'bandwidth-limit', '1MB'],
    says: [/bandwidth-limit '1MB': 'MB' is not a size suffix/],
  },
  {
    name: 'a negative size',
    args: ['config', 'set', 'bandwidth-limit', '-1M'],
    says: [/bandwidth-limit '-1M': a size cannot be negative/],
  },
  {
    name: 'a limit below 1k',
    args: ['config', 'set', 'bandwidth-limit', '100B'],
    says: [/bandwidth-limit '100B': it must be at least 1k/],
  },
  {
    name: 'a size that is not a number',
    args: ['config', 'set', 'bandwidth-limit', 'fast'],
    says: [/bandwidth-limit 'fast': it is not a number with a size suffix/],
  },
  {
    name: 'no files in parallel',
    args: ['config', 'set', 'parallel-files', '0'],
    says: [/parallel-files '0': it must be at least 1\. Give a whole number from 1 to 64/],
  },
  {
    name: 'too many files in parallel',
    args: ['config', 'set', 'parallel-files', '65'],
    says: [/parallel-files '65': it must be at most 64/],
  },
  {
    name: 'parallel parts that are not a number',
    args: ['config', 'set', 'parallel-parts', 'abc'],
    says: [/parallel-parts 'abc': it is not a whole number/],
  },
  {
    name: 'half a file',
    args: ['config', 'set', 'parallel-files', '2.5'],
    says: [/parallel-files '2\.5': it is not a whole number/],
  },
  {
    name: 'a stability window over 10 minutes',
    args: ['config', 'set', 'stability-window', '11m'],
    says: [/stability-window '11m': it must be at most 10m\. Give a duration such as 500ms, 2s/],
  },
  {
    name: 'a negative stability window',
    args: ['config', 'set', 'stability-window', '-2s'],
    says: [/stability-window '-2s': a duration cannot be negative/],
  },
  {
    name: 'a duration with an unknown unit',
    args: ['config', 'set', 'stability-window', '2x'],
    says: [/stability-window '2x': it is not a number of h, m, s or ms/],
  },
  {
    name: 'a switch that is neither on nor off',
    args: ['config', 'set', 'start-at-login', 'maybe'],
    says: [/start-at-login 'maybe': it is neither on nor off\. Give on or off/],
  },
  {
    name: 'an ignore pattern over 512 characters',
    args: ['config', 'set', 'ignore-patterns', `*.log,${'x'.repeat(600)}`],
    says: [/ignore-patterns '\*\.log,x+…': each must be at most 512 characters long/],
  },
  {
    name: 'a SOCKS proxy, its password never shown',
    args: ['config', 'set', 'proxy-url', 'socks5://bob:hunter2@127.0.0.1:1080'],
    says: [
      /proxy-url 'socks5:\/\/bob:\*\*\*@127\.0\.0\.1:1080': The proxy must be an http:\/\/ or https:\/\/ address\. Give/,
    ],
    never: 'hunter2',
  },
  {
    name: 'a proxy password with no keychain to keep it in (never written to the settings file)',
    args: ['config', 'set', 'proxy-url', 'http://bob:hunter2@127.0.0.1:3128'],
    says: [/proxy-url: its password can only be kept in the keychain, and no keychain is available here/],
    never: 'hunter2',
  },
  {
    name: 'a CA file that does not exist',
    args: ['config', 'set', 'ca-file', '/no/such/ca.pem'],
    says: [/ca-file '\/no\/such\/ca\.pem': .*\/no\/such\/ca\.pem, which cannot be read \(ENOENT\)/],
  },
  {
    name: 'a CA file that holds no certificate',
    args: ['config', 'set', 'ca-file', '/etc/passwd'],
    says: [/ca-file '\/etc\/passwd': .* holds no PEM certificate/],
  },
];

describe('bad values are refused with exit 2, and change nothing', () => {
  let data: string;
  let before: Buffer;
  beforeAll(async () => {
    data = freshData();
    await ok(data, ['config', 'set', 'bandwidth-limit', '4M']);
    before = await readFile(settingsFile(data));
  });

  it.each(badSettings)('$name', async ({ args, says, never }) => {
    const r = await hoist(data, args);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    for (const pattern of says) expect(r.stderr).toMatch(pattern);
    if (never) expect(r.stdout + r.stderr).not.toContain(never);
    expect(r.stderr).not.toMatch(stackTrace);
    expect(r.stdout).toBe('');
    expect((await readFile(settingsFile(data))).equals(before)).toBe(true);
  });

  it('creates no data folder for a bad value', async () => {
    const fresh = freshData();
    const r = await hoist(fresh, ['config', 'set', 'parallel-files', 'many']);
    expect(r.code).toBe(2);
    expect(existsSync(fresh)).toBe(false);
  });
});

describe('hoist upload --bwlimit / --transfers', () => {
  it('runs with the given limits, for that run only', async () => {
    const data = freshData();
    await ok(data, ['config', 'set', 'parallel-files', '6']);
    const before = await readFile(settingsFile(data));
    const content = randomBytes(256 * 1024 + 5);
    const file = path.join(work, `limited-${caseNumber}.bin`);
    await writeFile(file, content);

    const r = await hoist(data, [
      '--broker',
      env.stack.brokerUrl,
      'upload',
      file,
      '--bwlimit',
      '1M',
      '--transfers',
      '2',
      '--to',
      'limited',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { ok: boolean; limits: unknown };
    expect(report.ok).toBe(true);
    // What the engine's queue and bandwidth limiter run with.
    expect(report.limits).toEqual({ bandwidthLimit: 1024 * 1024, filesInParallel: 2, partsInParallel: 4 });
    const key = (await userKeys()).find((k) => k.endsWith(`/limited/limited-${caseNumber}.bin`));
    expect(key).toBeDefined();
    expect(await env.objectSha256(key!)).toBe(sha256(content));
    // Not saved.
    expect((await readFile(settingsFile(data))).equals(before)).toBe(true);
    expect(await get(data, 'parallel-files')).toBe('6');
    expect(await get(data, 'bandwidth-limit')).toBe('off');

    // Said on the terminal too.
    const text = await hoist(data, [
      '--broker',
      env.stack.brokerUrl,
      'upload',
      file,
      '--bwlimit',
      '512k',
      '--to',
      'limited-again',
    ]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stderr).toMatch(/^For this run: 6 files at a time, at most 512k per second \(not saved/m);
  }, 240_000);

  it('holds the upload to its limit until `hoist config set` lifts it in the running process', async () => {
    const data = freshData();
    // Over 1 MiB, so its body is streamed through the limiter (a small file's PUT goes in one piece and the
    // next one waits it off). At 1 KiB/s it would take half an hour; unlimited, well under a second.
    const content = randomBytes(2 * 1024 * 1024);
    const file = path.join(work, `held-${caseNumber}.bin`);
    await writeFile(file, content);
    const upload = startHoist(
      ['--data', data, '--broker', env.stack.brokerUrl, 'upload', file, '--bwlimit', '1k', '--to', 'held', '--json'],
      {
        env: { ...signedIn, HOIST_DATA_DIR: path.join(work, 'default') },
        timeoutMs: 220_000,
      },
    );
    const uploading = await pollUntil(
      async () => {
        if (upload.child.exitCode !== null) return true;
        const s = await hoist(data, ['status', '--json']);
        return (
          s.code === 0 &&
          (JSON.parse(s.stdout) as { transfers: Array<{ state: string }> }).transfers[0]?.state === 'uploading'
        );
      },
      { timeoutMs: 60_000, intervalMs: 300 },
    );
    expect(uploading).toBe(true);
    expect(await get(data, 'bandwidth-limit')).toBe('1k');
    // Still running, so this reaches it (with no limiter it would have finished, and this would only save).
    const lift = await hoist(data, ['config', 'set', 'bandwidth-limit', 'off']);
    expect(lift.code, lift.stderr).toBe(0);
    expect(lift.stdout).toMatch(/^bandwidth-limit = off: applied to the Hoist running on /m);
    const finished = await upload.result;
    expect(finished.signal, 'killed: the lifted limit never reached the upload').toBeNull();
    expect(finished.code, finished.stderr).toBe(0);
    expect((JSON.parse(finished.stdout) as { limits: { bandwidthLimit: number | null } }).limits.bandwidthLimit).toBe(
      1024,
    );
    const key = (await userKeys()).find((k) => k.endsWith(`/held/held-${caseNumber}.bin`));
    expect(await env.objectSha256(key!)).toBe(sha256(content));
  }, 240_000);

  it.each([
    { option: ['--transfers', '0'], says: /--transfers '0': it must be at least 1\. Give a whole number from 1 to 64/ },
    { option: ['--transfers', 'abc'], says: /--transfers 'abc': it is not a whole number/ },
    { option: ['--transfers', '-1'], says: /--transfers '-1': it cannot be negative/ },
    { option: ['--bwlimit', '10X'], says: /--bwlimit '10X': 'X' is not a size suffix\. Give bytes per second/ },
    { option: ['--bwlimit', '-1'], says: /--bwlimit '-1': a size cannot be negative/ },
    { option: ['--bwlimit', '10 MB'], says: /--bwlimit '10 MB': .*Give bytes per second/ },
  ])('refuses $option with exit 2 and uploads nothing', async ({ option, says }) => {
    const data = freshData();
    const name = `refused-${caseNumber}.txt`;
    const file = path.join(work, name);
    await writeFile(file, 'must not arrive');
    const r = await hoist(data, ['--broker', env.stack.brokerUrl, 'upload', file, ...option]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(says);
    expect(r.stderr).not.toMatch(stackTrace);
    expect((await userKeys()).filter((k) => k.endsWith(`/${name}`))).toEqual([]);
    // Refused before anything started: not even the data folder exists.
    expect(existsSync(data)).toBe(false);
  });

  it('refuses a bad --transfers on sync too, watching nothing', async () => {
    const data = freshData();
    const dir = path.join(work, `sync-refused-${caseNumber}`);
    await mkdir(dir, { recursive: true });
    const r = await hoist(data, ['--broker', env.stack.brokerUrl, 'sync', dir, '--transfers', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--transfers '0': it must be at least 1/);
    expect(existsSync(data)).toBe(false);
  });
});

describe('with `hoist sync` running', () => {
  it('reads and changes its settings at once, the run’s own limits included, and it behaves accordingly', async () => {
    const data = freshData();
    const dir = path.join(work, `Watched-${caseNumber}`);
    await mkdir(dir, { recursive: true });
    await ok(data, ['config', 'set', 'bandwidth-limit', '4M']);
    const saved = await readFile(settingsFile(data));

    const sync = startHoist(
      ['--data', data, '--broker', env.stack.brokerUrl, 'sync', dir, '--transfers', '3', '--bwlimit', '2M'],
      {
        env: { ...signedIn, HOIST_DATA_DIR: path.join(work, 'default') },
        timeoutMs: 220_000,
      },
    );
    let stderr = '';
    sync.child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    try {
      expect(
        await pollUntil(() => stderr.includes('Press Ctrl-C to stop') || sync.child.exitCode !== null, {
          timeoutMs: 60_000,
          intervalMs: 100,
        }),
      ).toBe(true);
      expect(sync.child.exitCode, stderr).toBeNull();
      expect(stderr).toMatch(/^For this run: 3 files at a time, at most 2M per second/m);

      // The run's limits are what it runs with; the file keeps the saved ones.
      const listing = JSON.parse(await ok(data, ['config', 'list', '--json'])) as Listing;
      expect(listing.from).toBe('running');
      expect(listing.settings['parallel-files']!.raw).toBe(3);
      expect(listing.settings['bandwidth-limit']!.value).toBe('2M');
      expect(await ok(data, ['config', 'list'])).toMatch(
        /^Settings of the Hoist running on .+ \(`hoist config set` changes them at once\):$/m,
      );
      expect((await readFile(settingsFile(data))).equals(saved)).toBe(true);

      // Changed live: the answer says so, the instance reports the new value, and the file keeps it.
      const set = await ok(data, ['config', 'set', 'ignore-patterns', '*.skip']);
      expect(set).toMatch(
        /^ignore-patterns = \*\.skip: applied to the Hoist running on .+, and saved for its next start\.$/m,
      );
      await ok(data, ['config', 'set', 'stability-window', '300ms']);
      expect(await get(data, 'ignore-patterns')).toBe('*.skip');
      expect(await get(data, 'stability-window')).toBe('300ms');
      expect(JSON.parse(await readFile(settingsFile(data), 'utf8'))).toMatchObject({
        ignorePatterns: ['*.skip'],
        stabilityWindowMs: 300,
        bandwidthLimit: 4 * 1024 * 1024,
      });

      // ...and the running sync obeys: the ignored file never goes, the other one does.
      await writeFile(path.join(dir, 'draft.skip'), 'ignored since a moment ago');
      await writeFile(path.join(dir, 'kept.txt'), 'uploaded');
      const label = path.basename(dir);
      expect(
        await pollUntil(async () => (await userKeys()).some((k) => k.endsWith(`/${label}/kept.txt`)), {
          timeoutMs: 30_000,
          intervalMs: 200,
        }),
      ).toBe(true);
      expect(
        await pollUntil(
          async () => {
            const s = await hoist(data, ['status', '--json']);
            if (s.code !== 0) return false;
            const status = JSON.parse(s.stdout) as {
              totals: { active: number; queued: number };
              folders: Array<{ state: string }>;
            };
            return (
              status.totals.active === 0 &&
              status.totals.queued === 0 &&
              status.folders.every((f) => f.state !== 'scanning')
            );
          },
          { timeoutMs: 30_000, intervalMs: 300 },
        ),
      ).toBe(true);
      expect(
        (await userKeys()).filter((k) => k.includes(`/${label}/`)).map((k) => k.slice(k.indexOf(`/${label}/`) + 1)),
      ).toEqual([`${label}/kept.txt`]);

      // A value set on purpose replaces the run's own.
      await ok(data, ['config', 'set', 'parallel-files', '5']);
      expect(await get(data, 'parallel-files')).toBe('5');
      expect(await get(data, 'bandwidth-limit')).toBe('2M');

      // A bad value is refused by the command line before the instance hears of it.
      const afterLive = await readFile(settingsFile(data));
      const bad = await hoist(data, ['config', 'set', 'parallel-files', '0']);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/parallel-files '0': it must be at least 1/);
      expect(await get(data, 'parallel-files')).toBe('5');
      expect((await readFile(settingsFile(data))).equals(afterLive)).toBe(true);
    } finally {
      sync.child.kill('SIGINT');
    }
    const stopped = await sync.result;
    expect(stopped.code, stopped.stderr).toBe(0);

    // Stopped: the saved values, without the run's bandwidth limit.
    expect(await ok(data, ['config', 'list'])).toMatch(/^No Hoist is running on/m);
    expect(await get(data, 'parallel-files')).toBe('5');
    expect(await get(data, 'bandwidth-limit')).toBe('4M');
    expect(await get(data, 'stability-window')).toBe('300ms');
    // Many short `hoist` processes one after the other: room for a slow, busy machine.
  }, 240_000);
});
