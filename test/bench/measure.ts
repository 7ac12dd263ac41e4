// Measuring child processes: wall time, CPU seconds and peak RSS through GNU time (which reports
// the child's rusage, descendants included), and CPU / RSS of a running process from /proc.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import os from 'node:os';

export const TIME = '/usr/bin/time';
const TICKS_PER_SECOND = 100; // getconf CLK_TCK on Linux

export interface RunMeasure {
  wallS: number;
  cpuS: number;
  peakRssMiB: number;
  exitCode: number;
  stdout: string;
  stderr: string;
}

let counter = 0;

/** Runs `command args` under GNU time; wall time is taken here, CPU and peak RSS from time's rusage. */
export async function timed(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {},
): Promise<RunMeasure> {
  const timeFile = path.join(os.tmpdir(), `hoist-bench-time-${process.pid}-${counter++}`);
  const start = performance.now();
  const child = spawn(TIME, ['-f', '%e %U %S %M', '-o', timeFile, command, ...args], {
    env: options.env ?? process.env,
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-20_000)));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60 * 60_000);
  const exitCode = await new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? -1));
  });
  clearTimeout(timer);
  const wallS = (performance.now() - start) / 1000;
  const line = (await readFile(timeFile, 'utf8')).trim().split('\n').pop() ?? '';
  await rm(timeFile, { force: true });
  const [, user, sys, maxKiB] = line.split(' ').map(Number);
  if (![user, sys, maxKiB].every((n) => Number.isFinite(n))) throw new Error(`unexpected output from ${TIME}: ${line}`);
  return { wallS, cpuS: user! + sys!, peakRssMiB: maxKiB! / 1024, exitCode, stdout, stderr };
}

/** user + system CPU seconds of one running process (all its threads), from /proc/<pid>/stat. */
export function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** Current and peak resident set of a running process, MiB, from /proc/<pid>/status. */
export function processRss(pid: number): { rssMiB: number; peakMiB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMiB: kib('VmRSS') / 1024, peakMiB: kib('VmHWM') / 1024 };
}

export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
