// A real forward proxy for tests: Debian's tinyproxy on 127.0.0.1, in the foreground, with its own
// config and log in a temp folder. `requests()` reads what it logged (one CONNECT per tunnelled
// connection), so a test can see which targets went through it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pollUntil } from './poll.js';

export const TINYPROXY = '/usr/bin/tinyproxy';

export interface TestProxy {
  /** http://127.0.0.1:<port>, without credentials. */
  url: string;
  port: number;
  /** The `host:port` targets of every CONNECT it logged, in order. */
  connects(): Promise<string[]>;
  /** The whole log, for failure messages. */
  log(): Promise<string>;
  close(): Promise<void>;
}

export interface TestProxyOptions {
  /** Require Basic credentials (tinyproxy answers 407 without them). */
  basicAuth?: { user: string; password: string };
  /** Refuse every CONNECT with 403 (a filter that denies everything). */
  denyAll?: boolean;
}

/** A free port on 127.0.0.1 (tinyproxy cannot be told to take any free port itself). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function startTestProxy(options: TestProxyOptions = {}): Promise<TestProxy> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'hoist-proxy-'));
  const logFile = path.join(dir, 'tinyproxy.log');
  const filterFile = path.join(dir, 'filter');
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const config = [
      `Port ${port}`,
      'Listen 127.0.0.1',
      'Timeout 600',
      `LogFile "${logFile}"`,
      'LogLevel Info',
      'MaxClients 100',
      'Allow 127.0.0.1',
      // No ConnectPort line: CONNECT to any port (the local stack's ports are random).
      ...(options.basicAuth ? [`BasicAuth ${options.basicAuth.user} ${options.basicAuth.password}`] : []),
      ...(options.denyAll ? [`Filter "${filterFile}"`, 'FilterDefaultDeny Yes', 'FilterType ere'] : []),
    ].join('\n');
    await writeFile(path.join(dir, 'tinyproxy.conf'), `${config}\n`);
    if (options.denyAll) await writeFile(filterFile, '^nothing-is-allowed\\.invalid$\n');
    const child = spawn(TINYPROXY, ['-d', '-c', path.join(dir, 'tinyproxy.conf')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d));
    let exited = false;
    child.on('exit', () => (exited = true));
    const listening = await pollUntil(
      async () => exited || (await readFile(logFile, 'utf8').catch(() => '')).includes('listening on'),
      { timeoutMs: 10_000 },
    );
    if (listening && !exited) return handle(child, dir, logFile, port);
    child.kill('SIGKILL');
    if (attempt >= 3)
      throw new Error(`tinyproxy did not start: ${stderr}${await readFile(logFile, 'utf8').catch(() => '')}`);
  }
}

function handle(child: ChildProcess, dir: string, logFile: string, port: number): TestProxy {
  const log = (): Promise<string> => readFile(logFile, 'utf8').catch(() => '');
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    log,
    async connects() {
      return [...(await log()).matchAll(/Request \(file descriptor \d+\): CONNECT (\S+) HTTP/g)].map(
        (m) => m[1] as string,
      );
    },
    async close() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
