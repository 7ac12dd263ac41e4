// Bad global options and bad sign-in input, one table: data folders that cannot be one, broker URLs
// that are not a URL, not http(s) or not a broker, unknown options and commands, and sign-in with an
// empty name, a wrong password or no broker to reach. Each case is one short `hoist` process, killed
// if it hangs (a hang fails: it never passes as a timeout).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { hoist } from '../../../support/hoist-cli.js';
import { startTestStack, type TestStack } from '../../../support/stack.js';

const user = { username: 'ines', password: 'bad options are refused' };
const signedIn = { HOIST_USERNAME: user.username, HOIST_PASSWORD: user.password };
const stackTrace = /\n\s+at /;

let env: TestStack;
let work: string;
/** Answers every request with this status: a web server that is not a broker. */
const notBrokers: Record<number, string> = {};
const servers: Server[] = [];
let fullDisk: string | undefined;

async function serveStatus(status: number): Promise<string> {
  const server = createServer((_req, res) =>
    res.writeHead(status, { 'content-type': 'text/html' }).end('<h1>not a broker</h1>'),
  );
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A data folder on a tmpfs filled to the last byte (root only), or undefined where that cannot be. */
function fillDisk(): string | undefined {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return undefined;
  const mount = path.join(work, 'tiny');
  mkdirSync(mount);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mount], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  try {
    for (let i = 0; ; i++) writeFileSync(path.join(mount, `filler-${i}`), Buffer.alloc(16 * 1024));
  } catch {
    // ENOSPC: full
  }
  // The last few bytes too, so not even a small file fits.
  try {
    for (let i = 0; ; i++) writeFileSync(path.join(mount, `crumb-${i}`), Buffer.alloc(512));
  } catch {
    // ENOSPC: full
  }
  return mount;
}

beforeAll(async () => {
  env = await startTestStack({ users: [user] });
  work = await mkdtemp(path.join(os.tmpdir(), 'hoist-bad-options-'));
  await writeFile(path.join(work, 'a-file'), 'a regular file, not a folder');
  notBrokers[404] = await serveStatus(404);
  notBrokers[405] = await serveStatus(405);
  fullDisk = fillDisk();
});

afterAll(async () => {
  for (const server of servers) server.close();
  if (fullDisk) {
    for (const f of readdirSync(fullDisk)) rmSync(path.join(fullDisk, f), { recursive: true, force: true });
    execFileSync('umount', ['-l', fullDisk]);
  }
  await env?.close();
  await rm(work, { recursive: true, force: true });
});

interface Case {
  name: string;
  /** Built when the case runs (the stack, servers and folders exist by then). */
  args: () => string[];
  env?: Record<string, string | undefined>;
  /** Written to stdin (a password when the sign-in prompts for one). */
  input?: string;
  skip?: () => boolean;
  code: number;
  /** Expected in stdout + stderr. */
  message: RegExp;
  /** Must not appear in stdout + stderr. */
  not?: RegExp;
}

const data = (name: string) => path.join(work, name);
const signIn = (username: string) => ['sign-in', '--username', username];

const cases: Case[] = [
  // Data folders that cannot be one: refused at once, naming --data, never a hang.
  {
    name: '--data under /proc',
    args: () => ['--data', '/proc/hoist', 'upload', work],
    env: signedIn,
    code: 1,
    message: /--data \/proc\/hoist/,
  },
  {
    name: '--data under /sys',
    args: () => ['--data', '/sys/hoist', 'upload', work],
    env: signedIn,
    code: 1,
    message: /--data \/sys\/hoist/,
  },
  {
    name: '--data /proc itself',
    args: () => ['--data', '/proc', 'upload', work],
    env: signedIn,
    code: 1,
    message: /--data \/proc\b/,
  },
  {
    name: '--data under a regular file',
    args: () => ['--data', path.join(work, 'a-file', 'state'), 'upload', work],
    env: signedIn,
    code: 1,
    message: /--data .*a-file\/state.*a-file is a file/,
  },
  {
    name: '--data is a regular file',
    args: () => ['--data', path.join(work, 'a-file'), 'upload', work],
    env: signedIn,
    code: 1,
    message: /--data .*a-file.*is a file/,
  },
  {
    name: '--data on a full disk',
    args: () => ['--data', path.join(fullDisk!, 'state'), ...signIn(user.username)],
    input: `${user.password}\n`,
    skip: () => fullDisk === undefined,
    code: 1,
    message: /disk holding .*tiny.* is full/,
  },
  // Broker URLs.
  {
    name: '--broker that is not a URL',
    args: () => ['--data', data('b1'), '--broker', 'not a url', ...signIn('ines')],
    code: 1,
    message: /--broker .*http:\/\/ or https:\/\/ URL/,
    not: /Invalid URL/,
  },
  {
    name: '--broker ftp://',
    args: () => ['--data', data('b2'), '--broker', 'ftp://example.com/', ...signIn('ines')],
    code: 1,
    message: /--broker .*http:\/\/ or https:\/\/ URL/,
  },
  {
    name: '--broker of a web server answering 404',
    args: () => ['--data', data('b3'), '--broker', notBrokers[404]!, ...signIn('ines')],
    input: 'a password\n',
    code: 1,
    message: /http:\/\/127\.0\.0\.1:\d+\/? does not look like a Hoist sign-in service.*404/,
  },
  {
    name: '--broker of a server answering 405 (the local S3)',
    args: () => ['--data', data('b4'), '--broker', env.stack.s3Endpoint, ...signIn('ines')],
    input: 'a password\n',
    code: 1,
    message: /http:\/\/127\.0\.0\.1:\d+\/? does not look like a Hoist sign-in service.*405/,
  },
  { name: 'an unknown option', args: () => ['--bogus', 'status'], code: 1, message: /unknown option '--bogus'/ },
  { name: 'an unknown command', args: () => ['frobnicate'], code: 1, message: /unknown command 'frobnicate'/ },
  // Sign-in.
  {
    name: 'sign-in with an empty user name',
    args: () => ['--data', data('s1'), '--broker', env.stack.brokerUrl, ...signIn('')],
    input: 'pw\n',
    code: 1,
    message: /user name is required/i,
  },
  {
    name: 'sign-in with a wrong password',
    args: () => ['--data', data('s2'), '--broker', env.stack.brokerUrl, ...signIn(user.username)],
    input: 'wrong\n',
    code: 1,
    message: /username or password is not correct/,
  },
  {
    name: 'sign-in with no broker to reach',
    args: () => ['--data', data('s3'), '--broker', 'http://127.0.0.1:1', ...signIn(user.username)],
    input: 'pw\n',
    code: 1,
    message: /sign-in service at 127\.0\.0\.1:1 cannot be reached/,
  },
  {
    name: 'sign-in with control characters in the user name',
    args: () => ['--data', data('s5'), '--broker', env.stack.brokerUrl, ...signIn('ada\u001b[31m')],
    input: 'pw\n',
    code: 1,
    message: /user name 'ada\\e\[31m' contains control characters/i,
    not: /HTTP 400|not correct/,
  },
  {
    name: 'sign-in with an over-long user name',
    args: () => ['--data', data('s6'), '--broker', env.stack.brokerUrl, ...signIn('u'.repeat(5000))],
    input: 'pw\n',
    code: 1,
    message: /user name is 5000 characters long; it can be at most 128/i,
    not: /HTTP 4\d\d|u{200}/,
  },
  {
    name: 'sign-in with HOIST_PASSWORD set but empty',
    args: () => ['--data', data('s7'), '--broker', env.stack.brokerUrl, ...signIn(user.username)],
    env: { HOIST_PASSWORD: '' },
    code: 1,
    message: /HOIST_PASSWORD is set but empty: set it to the password, or unset it to be asked for it/,
  },
  {
    name: 'sign-in with HOIST_USERNAME set but empty',
    args: () => ['--data', data('s8'), '--broker', env.stack.brokerUrl, 'sign-in'],
    env: { HOIST_USERNAME: '', HOIST_PASSWORD: user.password },
    code: 1,
    message: /HOIST_USERNAME is set but empty: set it to the user name, or give --username NAME/,
  },
  {
    name: 'sign-in with the password from the environment says nothing about the keychain',
    args: () => ['--data', data('s4'), '--broker', env.stack.brokerUrl, 'sign-in'],
    env: signedIn,
    code: 0,
    message: /^Signed in as ines\.\n$/,
    not: /keychain|memory only/i,
  },
];

it.each(cases)('$name', async (c) => {
  if (c.skip?.()) return;
  const r = await hoist(c.args(), {
    env: { HOIST_USERNAME: undefined, HOIST_PASSWORD: undefined, ...c.env },
    ...(c.input ? { input: c.input } : {}),
    timeoutMs: 30_000,
  });
  const output = r.stdout + r.stderr;
  expect(r.signal, `killed: it hung\n${output}`).toBeNull();
  expect(r.code, output).toBe(c.code);
  expect(output).toMatch(c.message);
  if (c.not) expect(output).not.toMatch(c.not);
  expect(output).not.toMatch(stackTrace);
  expect(output).not.toContain('\u001b');
});
