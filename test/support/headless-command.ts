// The headless command (`npm run headless`) as a real child process, for tests of what it serves.
import { spawn, type ChildProcess } from 'node:child_process';

export interface HeadlessRun {
  child: ChildProcess;
  /** Everything it printed so far, stdout and stderr together. */
  output(): string;
  /** Its exit code once it has exited. */
  exited: Promise<number | null>;
}

export function startHeadlessCommand(args: string[], env: NodeJS.ProcessEnv = process.env): HeadlessRun {
  const child = spawn(process.execPath, ['--import', 'tsx', 'electron/daemon/index.ts', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d));
  child.stderr.on('data', (d: Buffer) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}
