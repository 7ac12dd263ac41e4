// Bad input to `hoist upload` as one table: every case is a real `hoist` child process against one
// shared local stack, and checks the exit code, what was said (and that no control character reached
// the terminal) and exactly which objects landed in the bucket. Add a row when you find a new bad input.
import { execFileSync } from 'node:child_process';
import { chmod, chown, mkdir, symlink, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { describe, expect } from 'vitest';
import { hoist, type CliOptions, type CliResult } from '../../../support/hoist-cli.js';
import { eachCase, refusedChild, useCaseTable, type CaseContext } from './case-table.js';

const user = { username: 'dora', password: 'bad input passphrase' };
const table = useCaseTable(user, { tempPrefix: 'hoist-bad-input-' });
const { newCase, userKeys } = table;

interface JsonReport {
  ok: boolean;
  transfers: Array<{ source: string; destination: string; state: string }>;
  skipped: Array<{ path: string; reason: string }>;
}

interface BadInput {
  name: string;
  /** Creates what the case needs in its folder; may return a clean-up (a listening socket). */
  setup?: (c: CaseContext) => Promise<void | (() => Promise<void>)>;
  /** The command line after the global options. */
  args: (c: CaseContext) => string[];
  /** Global options; default: --data <its own state folder>. */
  globals?: (c: CaseContext) => string[];
  /** Run as an unprivileged user (for unreadable folders). */
  asUser?: boolean;
  code: number;
  /** Each must match stderr. */
  stderr?: RegExp[];
  /** Must not match stderr. */
  notStderr?: RegExp[];
  /** At most this many lines on stderr (one message, not one per file). */
  maxStderrLines?: number;
  /** Exactly this many stderr lines match the pattern (progress lines vary; the summary does not). */
  stderrLinesMatching?: { pattern: RegExp; count: number };
  /** Checks on the --json report (stdout). */
  json?: (report: JsonReport, c: CaseContext) => void;
  /** Exactly the keys (under the user's prefix) this case adds to the bucket. */
  uploaded: (c: CaseContext) => string[];
}

const missing = Array.from({ length: 12 }, (_, i) => `missing-${i}.txt`);
const deep = Array.from({ length: 5 }, (_, i) => `${String(i)}${'d'.repeat(219)}`).join('/');

const cases: BadInput[] = [
  // ---- inputs that are skipped make the upload incomplete: exit 1, each one named with its reason
  {
    name: 'a missing path next to a good file',
    args: (c) => ['upload', c.ok, 'nowhere.txt'],
    code: 1,
    stderr: [
      /not uploaded: nowhere\.txt: The file or folder does not exist/,
      /1 of 1 uploaded and verified; 1 not uploaded/,
    ],
    uploaded: (c) => [c.ok],
  },
  {
    name: 'a missing path next to a good file, --json',
    args: (c) => ['upload', c.ok, 'nowhere.txt', '--json'],
    code: 1,
    json: (r, c) => {
      expect(r.ok).toBe(false);
      expect(r.transfers.map((t) => [t.destination, t.state])).toEqual([[c.ok, 'done']]);
      expect(r.skipped).toEqual([{ path: 'nowhere.txt', reason: expect.stringMatching(/does not exist/) }]);
    },
    uploaded: (c) => [c.ok],
  },
  {
    name: 'an empty path (never the current folder)',
    args: (c) => ['upload', '', c.ok],
    code: 1,
    stderr: [/not uploaded: '': The path is empty\./],
    uploaded: (c) => [c.ok],
  },
  {
    name: 'a path longer than the file system allows',
    args: (c) => ['upload', c.ok, `${'p'.repeat(300)}/${'q'.repeat(5000)}`],
    code: 1,
    stderr: [/not uploaded: p+\/q+: The path is too long for this file system\./],
    notStderr: [/Too big|ENAMETOOLONG/],
    uploaded: (c) => [c.ok],
  },
  {
    name: 'a folder with an unreadable subfolder',
    setup: async (c) => {
      await mkdir(path.join(c.dir, c.album, 'locked'));
      await writeFile(path.join(c.dir, c.album, 'locked', 'secret.txt'), 'secret');
      await chmod(path.join(c.dir, c.album, 'locked'), 0o000);
      return () => chmod(path.join(c.dir, c.album, 'locked'), 0o755);
    },
    args: (c) => ['upload', c.album],
    asUser: true,
    code: 1,
    stderr: [
      /not uploaded: \/\S+\/Album-\d+\/locked: Hoist is not allowed to read this file or folder: check its permissions/,
    ],
    notStderr: [/EACCES/],
    uploaded: (c) => [`${c.album}/ok.txt`],
  },
  {
    name: 'names with control characters (ESC, tab) inside a folder: skipped, shown escaped',
    setup: async (c) => {
      await writeFile(path.join(c.dir, c.album, 'red\u001b[31malert.txt'), 'x');
      await writeFile(path.join(c.dir, c.album, 'tab\there.txt'), 'x');
    },
    args: (c) => ['upload', c.album],
    code: 1,
    stderr: [/not uploaded \(2\): The name contains control characters/, /red\\e\[31malert\.txt/, /tab\\there\.txt/],
    uploaded: (c) => [`${c.album}/ok.txt`],
  },
  {
    name: 'a name whose key would be over 1,024 bytes',
    setup: async (c) => {
      await mkdir(path.join(c.dir, c.album, deep), { recursive: true });
      await writeFile(path.join(c.dir, c.album, deep, 'far.txt'), 'far');
    },
    args: (c) => ['upload', c.album],
    code: 1,
    stderr: [/not uploaded: \S+\/far\.txt: The path is too long for a storage key \(over 1024 bytes\)/],
    uploaded: (c) => [`${c.album}/ok.txt`],
  },
  {
    name: 'a named pipe (FIFO) inside a folder',
    setup: async (c) => void execFileSync('mkfifo', [path.join(c.dir, c.album, 'pipe')]),
    args: (c) => ['upload', c.album],
    code: 1,
    stderr: [/not uploaded: \S+\/pipe: This is a named pipe \(FIFO\), not a regular file/],
    uploaded: (c) => [`${c.album}/ok.txt`],
  },
  {
    name: 'a socket inside a folder',
    setup: async (c) => {
      const server = net.createServer();
      await new Promise<void>((resolve) => server.listen(path.join(c.dir, c.album, 'sock'), resolve));
      return () => new Promise<void>((resolve) => server.close(() => resolve()));
    },
    args: (c) => ['upload', c.album],
    code: 1,
    stderr: [/not uploaded: \S+\/sock: This is a socket, not a regular file/],
    uploaded: (c) => [`${c.album}/ok.txt`],
  },
  {
    name: 'a link inside a folder (never followed)',
    setup: async (c) => symlink(path.join(c.dir, c.ok), path.join(c.dir, c.album, 'link.txt')),
    args: (c) => ['upload', c.album],
    code: 1,
    stderr: [/not uploaded: \S+\/link\.txt: Links are not followed/],
    uploaded: (c) => [`${c.album}/ok.txt`],
  },
  {
    name: 'a link given as input',
    setup: async (c) => symlink(c.ok, path.join(c.dir, 'link.txt')),
    args: (c) => ['upload', 'link.txt', c.ok],
    code: 1,
    stderr: [/not uploaded: link\.txt: Links are not followed/],
    uploaded: (c) => [c.ok],
  },
  {
    name: 'a named pipe given as input',
    setup: async (c) => void execFileSync('mkfifo', [path.join(c.dir, 'pipe')]),
    args: (c) => ['upload', 'pipe', c.ok],
    code: 1,
    stderr: [/not uploaded: pipe: This is a named pipe \(FIFO\)/],
    uploaded: (c) => [c.ok],
  },
  {
    name: 'many problems of one kind: a count, five paths and "… and N more" (all of them in --json)',
    args: (c) => ['upload', c.ok, ...missing],
    code: 1,
    stderr: [
      /not uploaded \(12\): The file or folder does not exist/,
      /missing-0\.txt/,
      /missing-4\.txt/,
      /… and 7 more/,
    ],
    stderrLinesMatching: { pattern: /missing-\d+\.txt/, count: 5 },
    uploaded: (c) => [c.ok],
  },
  {
    name: 'many problems of one kind, --json lists every one',
    args: (c) => ['upload', c.ok, ...missing, '--json'],
    code: 1,
    json: (r) => expect(r.skipped.map((s) => s.path)).toEqual(missing),
    uploaded: (c) => [c.ok],
  },

  // ---- Hoist's own data folder is never uploaded
  {
    name: 'the data folder itself',
    globals: (c) => ['--data', path.join(c.dir, 'state')],
    args: (c) => ['upload', 'state', c.ok],
    code: 1,
    stderr: [/not uploaded: state: This is Hoist’s own data folder/],
    uploaded: (c) => [c.ok],
  },
  {
    name: 'a file inside the data folder (its state DB)',
    globals: (c) => ['--data', path.join(c.dir, 'state')],
    args: (c) => ['upload', 'state/state.db', c.ok],
    code: 1,
    stderr: [/not uploaded: state\/state\.db: This is inside Hoist’s own data folder/],
    uploaded: (c) => [c.ok],
  },
  {
    name: 'a folder containing the data folder (as `upload ~` with the default data folder)',
    setup: async (c) => writeFile(path.join(c.dir, c.album, 'notes.txt'), 'notes'),
    globals: (c) => ['--data', path.join(c.dir, c.album, '.config', 'Hoist')],
    args: (c) => ['upload', c.album],
    code: 1,
    stderr: [/not uploaded: \S+\/\.config\/Hoist: This is Hoist’s own data folder/],
    uploaded: (c) => [`${c.album}/notes.txt`, `${c.album}/ok.txt`],
  },

  // ---- the same file named more than once is one upload
  {
    name: 'the same file three times (a a ./a) and by its full path',
    args: (c) => ['upload', c.ok, c.ok, `./${c.ok}`, path.join(c.dir, c.ok), '--json'],
    code: 0,
    json: (r, c) => {
      expect(r.ok).toBe(true);
      expect(r.transfers.map((t) => t.destination)).toEqual([c.ok]);
      expect(r.skipped).toEqual([]);
    },
    uploaded: (c) => [c.ok],
  },
  {
    name: 'a folder and a file inside it',
    args: (c) => ['upload', c.album, `${c.album}/ok.txt`, '--json'],
    code: 0,
    json: (r, c) => expect(r.transfers.map((t) => t.destination)).toEqual([`${c.album}/ok.txt`]),
    uploaded: (c) => [`${c.album}/ok.txt`],
  },

  // ---- --to is checked once, up front, and blamed on the option
  ...(
    [
      ['an absolute --to', '/abs', /--to '\/abs': .*cannot start with "\/": drop the leading "\/"/],
      ['a --to with ".."', '../up', /--to '\.\.\/up': .*an empty, "\." or "\.\." part/],
      [
        'a --to with a backslash',
        'a\\b',
        /--to 'a\\\\b': Backslashes \(\\\) are not allowed in storage keys: separate folders with "\/"/,
      ],
      [
        'a --to over the key limit',
        'x'.repeat(1100),
        /--to 'x{60}…': The destination folder is 1100 bytes long; it can be at most \d+ bytes/,
      ],
      [
        'a --to with control characters',
        'a\u001bb',
        /--to 'a\\eb': The destination folder contains control characters/,
      ],
      ['an empty --to', '', /--to '': The destination folder is empty/],
    ] as const
  ).map(([name, to, message]): BadInput => ({
    name,
    args: (c) => ['upload', c.album, c.ok, '--to', to],
    code: 1,
    stderr: [message],
    notStderr: [/not a relative path|Too big/],
    maxStderrLines: 1,
    uploaded: () => [],
  })),

  // ---- --data
  {
    name: 'an empty --data for upload',
    globals: () => ['--data', ''],
    args: (c) => ['upload', c.ok],
    code: 1,
    stderr: [/^hoist: --data is empty: give the folder for Hoist’s state, or leave out --data/],
    maxStderrLines: 1,
    uploaded: () => [],
  },
  {
    name: 'an empty --data for status (never the current folder)',
    globals: () => ['--data', ''],
    args: () => ['status'],
    code: 1,
    stderr: [/^hoist: --data is empty/],
    maxStderrLines: 1,
    uploaded: () => [],
  },
  {
    name: '--data naming a file',
    globals: (c) => ['--data', path.join(c.dir, c.ok)],
    args: (c) => ['upload', c.ok],
    code: 1,
    stderr: [
      /^hoist: Cannot use --data \/\S+\/ok-\d+\.txt as the data folder: \S+ is a file, not a folder\. Choose a folder/,
    ],
    notStderr: [/EEXIST/],
    maxStderrLines: 1,
    uploaded: () => [],
  },
];

describe('hoist upload: bad input', () => {
  eachCase(cases, async (bad) => {
    const c = await newCase();
    const cleanup = await bad.setup?.(c);
    let result: CliResult;
    const before = await userKeys();
    try {
      const options: CliOptions = {
        cwd: c.dir,
        // Never the real default data folder, whatever a broken case does with --data.
        env: {
          HOIST_USERNAME: user.username,
          HOIST_PASSWORD: user.password,
          HOIST_DATA_DIR: path.join(table.work, `default-${table.index}`),
        },
      };
      if (bad.asUser && refusedChild.kind !== 'self') {
        await mkdir(c.data, { recursive: true });
        if (refusedChild.kind === 'nobody') await chown(c.data, refusedChild.uid, refusedChild.gid);
        options.unprivileged = true;
      }
      const globals = bad.globals?.(c) ?? ['--data', c.data];
      result = await hoist([...globals, '--broker', table.env.stack.brokerUrl, ...bad.args(c)], options);
    } finally {
      if (cleanup) await cleanup();
    }
    const { code, stdout, stderr } = result;
    expect(code, stderr).toBe(bad.code);
    for (const pattern of bad.stderr ?? []) expect(stderr).toMatch(pattern);
    for (const pattern of bad.notStderr ?? []) expect(stderr).not.toMatch(pattern);
    if (bad.maxStderrLines !== undefined)
      expect(stderr.trimEnd().split('\n').length, stderr).toBeLessThanOrEqual(bad.maxStderrLines);
    if (bad.stderrLinesMatching) {
      const { pattern, count } = bad.stderrLinesMatching;
      expect(
        stderr.split('\n').filter((line) => pattern.test(line)),
        stderr,
      ).toHaveLength(count);
    }
    if (bad.json) bad.json(JSON.parse(stdout) as JsonReport, c);
    // Names are anybody's text: nothing but line breaks and tabs of ours reaches the terminal.
    // eslint-disable-next-line no-control-regex
    expect(stdout + stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);

    const after = await userKeys();
    expect([...after].filter((key) => !before.has(key)).sort()).toEqual(bad.uploaded(c).sort());
  });
});
