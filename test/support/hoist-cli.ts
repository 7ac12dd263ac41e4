// `hoist` as a real child process (the built command line, as the `hoist` bin runs it; the projects that
// use this build it first: test/support/build-once.ts), for tests of the command line.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { unprivileged } from './unprivileged.js';

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliRun {
  child: ChildProcess;
  result: Promise<CliResult>;
}

export interface CliOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Written to stdin, which is then closed (default: stdin closed at once). */
  input?: string;
  /** Killed with SIGKILL after this long (a hang is reported as signal SIGKILL, never as a pass). */
  timeoutMs?: number;
  /**
   * Run so that the kernel refuses mode-000 files (the tests run as root, who reads everything): see
   * test/support/unprivileged.ts. Throws when no such arrangement is possible; check unprivileged() first.
   */
  unprivileged?: boolean;
}

const entry = fileURLToPath(new URL('../../out/node/hoist.js', import.meta.url));

export function startHoist(args: string[], options: CliOptions = {}): CliRun {
  let command = process.execPath;
  let argv = [entry, ...args];
  let ids: { uid?: number; gid?: number } = {};
  if (options.unprivileged) {
    const how = unprivileged();
    if (how.kind === 'none') throw new Error(how.reason);
    if (how.kind === 'no-override') [command, argv] = how.wrap(command, argv);
    if (how.kind === 'nobody') ids = { uid: how.uid, gid: how.gid };
  }
  const child = spawn(command, argv, {
    cwd: options.cwd ?? process.cwd(),
    env: { ...process.env, ...options.env },
    ...ids,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d));
  child.stderr!.on('data', (d: Buffer) => (stderr += d));
  child.stdin!.end(options.input ?? '');
  const timer = options.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), options.timeoutMs) : undefined;
  const result = new Promise<CliResult>((resolve) =>
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    }),
  );
  return { child, result };
}

export function hoist(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return startHoist(args, { timeoutMs: 60_000, ...options }).result;
}
