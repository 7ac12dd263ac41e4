// Bad input to `hoist sync DIR…` as one table: every case is a real `hoist` child process against one
// shared local stack. `hoist sync` runs until stopped, so a case is either refused (it must exit by
// itself, non-zero, saying why: a hang is killed and fails) or accepted (it is stopped with SIGINT once
// its files are in the bucket, and must exit 0). Either way: what was said, that no control character
// and no stack trace reached the terminal, and exactly which objects landed in the bucket.
// Add a row when you find a new bad input.
import { chmod, chown, mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect } from 'vitest';
import { hoist, startHoist, type CliOptions, type CliResult } from '../../../support/hoist-cli.js';
import { eachCase, refusedChild, useCaseTable, type CaseContext } from './case-table.js';
import { pollUntil } from '../../../support/poll.js';

const user = { username: 'sina', password: 'bad input to sync' };
const table = useCaseTable(user, { tempPrefix: 'hoist-bad-sync-', emptySubfolder: true });
const { newCase, userKeys } = table;
const stackTrace = /\n\s+at /;
/** A name that would turn the terminal red if it were printed raw. */
const red = 'e\u001b[31mred';

interface BadInput {
  name: string;
  setup?: (c: CaseContext) => Promise<void | (() => Promise<void>)>;
  /** The command line after the global options. */
  args: (c: CaseContext) => string[];
  /** The data folder; default: the case's own state folder. */
  data?: (c: CaseContext) => string;
  /** Run as an unprivileged user (for unreadable folders). */
  asUser?: boolean;
  /** Accepted: watches until stopped (then exits 0). Refused: exits by itself with this code. */
  outcome: 'watches' | { code: number };
  /** Each must match stderr. */
  stderr?: RegExp[];
  /** Must not match stderr. */
  notStderr?: RegExp[];
  /** Exactly the keys (under the user's prefix) this case adds to the bucket. */
  uploaded: (c: CaseContext) => string[];
}

const refused = { code: 1 };
const rawErrno = /\bE[A-Z]{3,}\b/;

const cases: BadInput[] = [
  {
    name: 'a missing folder',
    args: () => ['sync', 'nowhere'],
    outcome: refused,
    stderr: [/nowhere: The folder does not exist/, /Nothing is watched/],
    uploaded: () => [],
  },
  {
    name: 'a file instead of a folder',
    args: (c) => ['sync', c.ok],
    outcome: refused,
    stderr: [/ok-\d+\.txt: This is a file, not a folder/],
    uploaded: () => [],
  },
  {
    name: 'an empty path (never the current folder)',
    args: () => ['sync', ''],
    outcome: refused,
    stderr: [/'': The path is empty/],
    uploaded: () => [],
  },
  {
    name: 'the data folder itself',
    data: (c) => path.join(c.dir, 'state'),
    setup: (c) => mkdir(path.join(c.dir, 'state'), { recursive: true }).then(() => undefined),
    args: () => ['sync', 'state'],
    outcome: refused,
    stderr: [/state: This is Hoist’s own data folder/],
    uploaded: () => [],
  },
  {
    name: 'a folder inside the data folder',
    data: (c) => path.join(c.dir, 'state'),
    setup: (c) => mkdir(path.join(c.dir, 'state', 'inner'), { recursive: true }).then(() => undefined),
    args: () => ['sync', 'state/inner'],
    outcome: refused,
    stderr: [/state\/inner: This is inside Hoist’s own data folder/],
    uploaded: () => [],
  },
  {
    // Refused rather than watched with the data folder left out: the state DB changes all the time, and
    // a watched folder must never upload it. Upload, which reads once, leaves it out instead.
    name: 'a folder containing the data folder (as `sync ~` with the default data folder)',
    data: (c) => path.join(c.dir, c.album, '.config', 'Hoist'),
    args: (c) => ['sync', c.album],
    outcome: refused,
    stderr: [/Album-\d+: This folder contains Hoist’s own data folder \(\/\S+\/Album-\d+\/\.config\/Hoist\).*--data/],
    uploaded: () => [],
  },
  {
    name: 'the same folder three times (a ./a /abs/a): watched once',
    args: (c) => ['sync', c.album, `./${c.album}`, path.join(c.dir, c.album)],
    outcome: 'watches',
    stderr: [/watching \/\S+\/Album-\d+ → Album-\d+\//],
    notStderr: [/already watched/, /watching [^\n]*\n[\s\S]*watching /],
    uploaded: (c) => [`${c.album}/ok.txt`],
  },
  {
    name: 'a folder and its subfolder: refused, nothing watched',
    args: (c) => ['sync', c.album, `${c.album}/sub`],
    outcome: refused,
    stderr: [
      /Album-\d+\/sub: This is inside \/\S+\/Album-\d+, which is also given: give only one of them/,
      /Nothing is watched/,
    ],
    uploaded: () => [],
  },
  {
    name: 'a link to a folder: the folder it points to is watched',
    setup: (c) => symlink(path.join(c.dir, c.album), path.join(c.dir, 'link')),
    args: () => ['sync', 'link'],
    outcome: 'watches',
    stderr: [/watching \/\S+\/Album-\d+ → Album-\d+\//],
    uploaded: (c) => [`${c.album}/ok.txt`],
  },
  {
    name: 'an unreadable folder',
    setup: async (c) => {
      await chmod(path.join(c.dir, c.album), 0o000);
      return () => chmod(path.join(c.dir, c.album), 0o755);
    },
    args: (c) => ['sync', c.album],
    asUser: true,
    outcome: refused,
    stderr: [/Album-\d+: Hoist is not allowed to read this (file or )?folder: check its permissions/],
    uploaded: () => [],
  },
  {
    name: 'a missing folder whose name holds ESC: shown escaped',
    args: () => ['sync', red],
    outcome: refused,
    stderr: [/e\\e\[31mred: The folder does not exist/],
    uploaded: () => [],
  },
  {
    name: 'a folder whose name holds ESC: watched, shown escaped (label "Folder")',
    setup: async (c) => {
      await mkdir(path.join(c.dir, red));
      await writeFile(path.join(c.dir, red, 'ok.txt'), 'red');
    },
    args: () => ['sync', red],
    outcome: 'watches',
    stderr: [/watching \/\S+\/e\\e\[31mred → Folder\//],
    uploaded: () => ['Folder/ok.txt'],
  },
  {
    name: '/proc',
    args: () => ['sync', '/proc'],
    outcome: refused,
    stderr: [/\/proc: This is a system folder/],
    uploaded: () => [],
  },
  {
    name: 'a good folder next to a missing one: all or nothing, the bad one named',
    args: (c) => ['sync', c.album, 'nowhere'],
    outcome: refused,
    stderr: [/nowhere: The folder does not exist/, /Nothing is watched/],
    notStderr: [/Album-\d+:/, /^watching/m],
    uploaded: () => [],
  },
  // ---- with folders this data folder already watches (from an earlier run)
  {
    name: 'a folder already watched, given again: watched as before, nothing sent again',
    setup: (c) => watchOnce(c),
    args: (c) => ['sync', c.album],
    outcome: 'watches',
    notStderr: [/not watched/],
    uploaded: () => [],
  },
  {
    name: 'a folder inside one already watched',
    setup: (c) => watchOnce(c),
    args: (c) => ['sync', `${c.album}/sub`],
    outcome: refused,
    stderr: [/Album-\d+\/sub: This is inside the folder "Album-\d+" \(\/\S+\), which this data folder already watches/],
    uploaded: () => [],
  },
  {
    name: 'a refused run remembers nothing: the good folder of `sync good bad` is not watched later',
    setup: async (c) => {
      await writeFile(path.join(c.dir, c.album, 'sub', `in-${c.album}.txt`), 'sub');
      const r = await startHoist(
        ['--data', c.data, '--broker', table.env.stack.brokerUrl, 'sync', c.album, 'nowhere'],
        {
          cwd: c.dir,
          env: signedIn,
          timeoutMs: 30_000,
        },
      ).result;
      expect(r.code, r.stderr).toBe(1);
    },
    // Refused if Album had been remembered (a folder inside one already watched).
    args: (c) => ['sync', `${c.album}/sub`],
    outcome: 'watches',
    uploaded: (c) => [`sub/in-${c.album}.txt`],
  },
];

const signedIn = { HOIST_USERNAME: user.username, HOIST_PASSWORD: user.password };

/** An earlier `hoist sync` of the case's album in its data folder, run until its file is uploaded. */
async function watchOnce(c: CaseContext): Promise<void> {
  const run = startHoist(['--data', c.data, '--broker', table.env.stack.brokerUrl, 'sync', c.album], {
    cwd: c.dir,
    env: signedIn,
    timeoutMs: 60_000,
  });
  const key = `${c.album}/ok.txt`;
  let ready = false;
  run.child.stderr!.on('data', (d: Buffer) => (ready ||= d.toString().includes('Press Ctrl-C to stop')));
  await pollUntil(async () => run.child.exitCode !== null || (ready && (await userKeys()).has(key)), {
    timeoutMs: 30_000,
    intervalMs: 300,
  });
  run.child.kill('SIGINT');
  const r = await run.result;
  expect(r.code, r.stderr).toBe(0);
  expect(await userKeys()).toContain(key);
}

describe('hoist sync: bad input', () => {
  eachCase(cases, async (bad) => {
    const c = await newCase();
    const data = bad.data?.(c) ?? c.data;
    // Files upload as soon as they are seen: the stability window would only slow the table down.
    await mkdir(data, { recursive: true });
    await writeFile(path.join(data, 'settings.json'), JSON.stringify({ stabilityWindowMs: 0 }));
    const cleanup = await bad.setup?.(c);
    const before = await userKeys();
    const expected = bad.uploaded(c).sort();
    let result: CliResult;
    try {
      const options: CliOptions = {
        cwd: c.dir,
        // Never the real default data folder, whatever a broken case does.
        env: { ...signedIn, HOIST_DATA_DIR: path.join(table.work, `default-${table.index}`) },
        // A refused case must stop by itself; a hang is killed and fails (signal SIGKILL).
        timeoutMs: bad.outcome === 'watches' ? 60_000 : 30_000,
      };
      if (bad.asUser && refusedChild.kind !== 'self') {
        if (refusedChild.kind === 'nobody') {
          await chown(data, refusedChild.uid, refusedChild.gid);
          await chown(path.join(data, 'settings.json'), refusedChild.uid, refusedChild.gid);
        }
        options.unprivileged = true;
      }
      const run = startHoist(['--data', data, '--broker', table.env.stack.brokerUrl, ...bad.args(c)], options);
      if (bad.outcome === 'watches') {
        // Watching: wait for its files (or for it to stop, which the checks below then report), then for
        // its own word that it has done all it will (scan over, nothing queued or uploading: anything
        // unwanted would be in the bucket by then), then Ctrl-C.
        // Ctrl-C before it is ready would only test Node's default handling of SIGINT.
        let ready = false;
        run.child.stderr!.on('data', (d: Buffer) => (ready ||= d.toString().includes('Press Ctrl-C to stop')));
        const added = async () => [...(await userKeys())].filter((key) => !before.has(key));
        const stopped = () => run.child.exitCode !== null || run.child.signalCode !== null;
        await pollUntil(
          async () => {
            if (stopped()) return true;
            const keys = await added();
            return ready && expected.every((key) => keys.includes(key));
          },
          { timeoutMs: 30_000, intervalMs: 300 },
        );
        await pollUntil(
          async () => {
            if (stopped()) return true;
            const r = await hoist(['--data', data, 'status', '--json']);
            if (r.code !== 0) return false;
            const s = JSON.parse(r.stdout) as {
              totals: { active: number; queued: number };
              folders: Array<{ state: string }>;
            };
            return s.totals.active === 0 && s.totals.queued === 0 && s.folders.every((f) => f.state !== 'scanning');
          },
          { timeoutMs: 30_000, intervalMs: 300 },
        );
        run.child.kill('SIGINT');
      }
      result = await run.result;
    } finally {
      if (cleanup) await cleanup();
    }
    const { code, signal, stdout, stderr } = result;
    const output = stdout + stderr;
    expect(signal, `killed: it hung\n${output}`).toBeNull();
    expect(code, output).toBe(bad.outcome === 'watches' ? 0 : bad.outcome.code);
    for (const pattern of bad.stderr ?? []) expect(stderr).toMatch(pattern);
    for (const pattern of bad.notStderr ?? []) expect(stderr).not.toMatch(pattern);
    expect(output).not.toMatch(stackTrace);
    expect(output).not.toMatch(rawErrno);
    // Names are anybody's text: nothing but line breaks and tabs of ours reaches the terminal.
    // eslint-disable-next-line no-control-regex
    expect(output).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);

    const after = await userKeys();
    expect([...after].filter((key) => !before.has(key)).sort()).toEqual(expected);
  });
});
