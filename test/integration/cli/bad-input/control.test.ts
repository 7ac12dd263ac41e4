// Bad input to `hoist status|pause|resume|cancel`, one table: ids that do not exist or are finished,
// no id, --all with nothing to do, no Hoist running, a closed stdout, and names that hold terminal
// escapes. One running `hoist sync` serves every case; each case is one short `hoist` process.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { hoist, startHoist, type CliResult, type CliRun } from '../../../support/hoist-cli.js';
import { startTestStack, type TestStack } from '../../../support/stack.js';
import { pollUntil } from '../../../support/poll.js';

const user = { username: 'hana', password: 'bad input to the control commands' };
const signedIn = { HOIST_USERNAME: user.username, HOIST_PASSWORD: user.password };
/** A folder name that would turn the terminal red if it were printed raw. */
const red = 'e\u001b[31mred';
const stackTrace = /\n\s+at /;

let env: TestStack;
let work: string;
let data: string;
let sync: CliRun;
let doneId: string;

interface Status {
  transfers: Array<{ id: string; state: string; destination: string }>;
}

async function status(): Promise<Status | undefined> {
  const r = await hoist(['--data', data, 'status', '--json']);
  return r.code === 0 ? (JSON.parse(r.stdout) as Status) : undefined;
}

beforeAll(async () => {
  env = await startTestStack({ users: [user] });
  work = await mkdtemp(path.join(os.tmpdir(), 'hoist-bad-control-'));
  data = path.join(work, 'state');
  const folder = path.join(work, red);
  await mkdir(folder, { recursive: true });
  await mkdir(data, { recursive: true });
  await writeFile(path.join(data, 'settings.json'), JSON.stringify({ stabilityWindowMs: 0 }));
  await writeFile(path.join(folder, 'plain.txt'), 'finished before the cases run');
  await writeFile(path.join(folder, `${red}.txt`), 'a file name with an escape sequence');
  sync = startHoist(['--verbose', '--data', data, '--broker', env.stack.brokerUrl, 'sync', folder], {
    env: signedIn,
    timeoutMs: 110_000,
  });
  // plain.txt uploaded; the other name is refused by the folder, which says so (a hook cannot use expect.poll).
  let uploaded: Status | undefined;
  const done = await pollUntil(
    async () => {
      if (sync.child.exitCode !== null || sync.child.signalCode !== null)
        throw new Error(`hoist sync stopped: ${(await sync.result).stderr}`);
      return (uploaded = await status())?.transfers.filter((t) => t.state === 'done').length === 1;
    },
    { timeoutMs: 100_000, intervalMs: 300 },
  );
  if (!done) throw new Error(`plain.txt was not uploaded: ${JSON.stringify(uploaded?.transfers)}`);
  doneId = uploaded!.transfers.find((t) => t.destination.endsWith('plain.txt'))!.id;
});

afterAll(async () => {
  sync?.child.kill('SIGTERM');
  await sync?.result;
  await env?.close();
  await rm(work, { recursive: true, force: true });
});

const unknownId = 'no-such-transfer-0123';
const unknown = /no transfer with id "no-such-transfer-0123"[\s\S]*hoist status/i;
const notAnId = /no transfer with id ["']?not an id!["']?[\s\S]*hoist status/i;
const alreadyUploaded = /already uploaded; /;
const noInstance = /No Hoist is running on /;

interface Case {
  name: string;
  /** Arguments after `--data <folder>`; `{done}` is replaced by a finished transfer's id. */
  args: string[];
  /** Run against a data folder no Hoist is running on. */
  nothingRunning?: boolean;
  /** Close our end of its stdout at once, like `| head -1` does. */
  closeStdout?: boolean;
  code: number | number[];
  /** Expected in stdout + stderr. */
  message: RegExp;
}

// 141 = 128 + SIGPIPE: the conventional exit of a command whose reader went away.
const cases: Case[] = [
  {
    name: 'status lists folders with their names escaped',
    args: ['status'],
    code: 0,
    message: /folder: .*e\\e\[31mred \(watching\)/,
  },
  { name: 'pause an unknown id', args: ['pause', unknownId], code: 1, message: unknown },
  { name: 'resume an unknown id', args: ['resume', unknownId], code: 1, message: unknown },
  { name: 'cancel an unknown id', args: ['cancel', unknownId], code: 1, message: unknown },
  { name: 'cancel something that is not an id', args: ['cancel', 'not an id!'], code: 1, message: notAnId },
  { name: 'cancel a finished transfer', args: ['cancel', '{done}'], code: 1, message: alreadyUploaded },
  {
    name: 'pause a finished transfer',
    args: ['pause', '{done}'],
    code: 1,
    message: /already uploaded; there is nothing to pause/,
  },
  {
    name: 'resume a finished transfer',
    args: ['resume', '{done}'],
    code: 1,
    message: /already uploaded; there is nothing to resume/,
  },
  { name: 'pause with no id', args: ['pause'], code: 1, message: /Say which transfer to pause .*hoist status.*--all/ },
  {
    name: 'cancel with no id',
    args: ['cancel'],
    code: 1,
    message: /Say which transfer to cancel .*hoist status.*--all/,
  },
  { name: 'cancel --all with nothing unfinished', args: ['cancel', '--all'], code: 0, message: /^Nothing to cancel/m },
  { name: 'pause --all with nothing running', args: ['pause', '--all'], code: 0, message: /^Paused all transfers/m },
  { name: 'resume --all with nothing paused', args: ['resume', '--all'], code: 0, message: /^Resumed all transfers/m },
  { name: 'status with no Hoist running', args: ['status'], nothingRunning: true, code: 3, message: noInstance },
  {
    name: 'cancel with no Hoist running',
    args: ['cancel', unknownId],
    nothingRunning: true,
    code: 3,
    message: noInstance,
  },
  {
    name: 'pause --all with no Hoist running',
    args: ['pause', '--all'],
    nothingRunning: true,
    code: 3,
    message: noInstance,
  },
  { name: 'status into a closed stdout', args: ['status'], closeStdout: true, code: [0, 141], message: /^$/ },
  {
    name: 'status --json into a closed stdout',
    args: ['status', '--json'],
    closeStdout: true,
    code: [0, 141],
    message: /^$/,
  },
  { name: 'help into a closed stdout', args: ['--help'], closeStdout: true, code: [0, 141], message: /^$/ },
  {
    name: 'status into a closed stdout, no Hoist running',
    args: ['status'],
    nothingRunning: true,
    closeStdout: true,
    code: 3,
    message: noInstance,
  },
];

it.each(cases)('$name', async (c) => {
  const dataDir = c.nothingRunning ? path.join(work, 'nothing-runs-here') : data;
  const args = ['--data', dataDir, ...c.args.map((a) => (a === '{done}' ? doneId : a))];
  const run = startHoist(args, { timeoutMs: 60_000 });
  if (c.closeStdout) run.child.stdout!.destroy();
  const r: CliResult = await run.result;
  const output = r.stdout + r.stderr;
  expect(r.signal, output).toBeNull();
  expect([c.code].flat(), output).toContain(r.code);
  expect(output).toMatch(c.message);
  expect(output).not.toMatch(stackTrace);
  expect(output).not.toContain('\u001b');
});

it('a refused cancel keeps the finished transfer, and the running sync printed no raw escapes', async () => {
  expect((await status())?.transfers.find((t) => t.id === doneId)?.state).toBe('done');
  sync.child.kill('SIGTERM');
  const r = await sync.result;
  expect(r.code, r.stderr).toBe(0);
  expect(r.stderr).toMatch(/e\\e\[31mred/);
  expect(r.stderr).not.toContain('\u001b');
  expect(r.stderr).not.toMatch(stackTrace);
});
