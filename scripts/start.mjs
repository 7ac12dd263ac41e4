#!/usr/bin/env node
// `npm start`: the desktop app where Electron can run; otherwise says why and runs the headless
// mode (same engine, same UI in the browser), printing its URL. Extra arguments go to either.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const args = process.argv.slice(2);

function electronUnavailable() {
  let binary;
  try {
    binary = require('electron');
  } catch (error) {
    return `the electron package cannot be loaded (${error.message.split('\n')[0]})`;
  }
  if (typeof binary !== 'string' || !existsSync(binary)) return 'the Electron binary is not installed (it is downloaded on first use, and could not be here)';
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return 'there is no display (DISPLAY and WAYLAND_DISPLAY are unset)';
  return undefined;
}

function run(command, commandArgs) {
  const child = spawn(command, commandArgs, { stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

const why = electronUnavailable();
if (!why) {
  const build = spawnSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
  run(require('electron'), ['.', ...args]);
} else {
  console.error(`Hoist: starting in headless mode because ${why}.`);
  const build = spawnSync('npm', ['run', '--silent', 'build:renderer'], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
  run(process.execPath, ['--import', 'tsx', 'electron/daemon/index.ts', ...args]);
}
