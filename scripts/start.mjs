#!/usr/bin/env node
// `npm start`: the desktop app where Electron can run; otherwise says in one line why the window cannot
// open and runs the headless mode (same engine, same UI in the browser), printing its URL. Extra
// arguments go to either. Electron's binary is downloaded on first use; that download is tried once,
// quietly and briefly, and its failure is that one line, not a stack trace.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { ensureRenderer } from './ensure-renderer.mjs';

const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
/** Long enough for a download on a slow link to start; a network that cannot reach it fails sooner. */
const downloadTimeoutMs = 120_000;

/** The Electron binary's path when it is on disk, without require('electron') (which downloads it, loudly). */
function installedBinary(packageDir) {
  const pathFile = path.join(packageDir, 'path.txt');
  if (!existsSync(pathFile)) return undefined;
  const relative = readFileSync(pathFile, 'utf8').trim();
  const binary = process.env.ELECTRON_OVERRIDE_DIST_PATH
    ? path.join(process.env.ELECTRON_OVERRIDE_DIST_PATH, relative)
    : path.join(packageDir, 'dist', relative);
  return existsSync(binary) ? binary : undefined;
}

/** The first line of a failed download's output that says what went wrong ("TypeError: fetch failed"). */
function downloadProblem(result) {
  if (result.error?.code === 'ETIMEDOUT') return `the download did not finish in ${downloadTimeoutMs / 1000} s`;
  const lines = `${result.stderr ?? ''}\n${result.stdout ?? ''}`.split('\n').map((l) => l.trim());
  const line =
    lines.find((l) => /^\w*Error\b|failed|ENOTFOUND|ECONNREFUSED|EAI_AGAIN/.test(l) && !l.startsWith('at ')) ??
    lines.find(Boolean);
  return line ? line.replace(/^\w*Error: /, '') : `the downloader exited with ${result.status}`;
}

/** { binary } when the window can open, else { why } in words. */
function electron() {
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY)
    return { why: 'there is no display (DISPLAY and WAYLAND_DISPLAY are unset)' };
  let packageDir;
  try {
    packageDir = path.dirname(require.resolve('electron/package.json'));
  } catch {
    return { why: 'the electron package is not installed (run `npm install`)' };
  }
  const present = installedBinary(packageDir);
  if (present) return { binary: present };
  console.error('Hoist: downloading Electron (first run)…');
  const result = spawnSync(process.execPath, [path.join(packageDir, 'install.js')], {
    encoding: 'utf8',
    timeout: downloadTimeoutMs,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const binary = installedBinary(packageDir);
  if (result.status === 0 && binary) return { binary };
  return {
    why: `Electron could not be downloaded (${downloadProblem(result)}); \`npx install-electron --no\` retries it`,
  };
}

function run(command, commandArgs) {
  const child = spawn(command, commandArgs, { stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

const found = electron();
if (found.binary) {
  const build = spawnSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
  run(found.binary, ['.', ...args]);
} else {
  console.error(`Hoist: the desktop window cannot open because ${found.why}. Starting headless instead.`);
  if (!ensureRenderer()) process.exit(1);
  run(process.execPath, ['--import', 'tsx', 'electron/daemon/index.ts', ...args]);
}
