#!/usr/bin/env node
// Builds the window (renderer/dist) when it is missing or older than its sources, so `npm run headless`
// and `npm start` work on a fresh clone. Build output goes to stderr: stdout is the command's own.
// Run directly (`node scripts/ensure-renderer.mjs`) it exits non-zero, saying what to run, if the build fails.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const checkout = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sources = ['renderer/src', 'renderer/index.html', 'build/vite.renderer.config.ts', 'electron/common'];

function newest(p) {
  const info = statSync(p, { throwIfNoEntry: false });
  if (!info) return 0;
  if (!info.isDirectory()) return info.mtimeMs;
  return Math.max(0, ...readdirSync(p).map((name) => newest(path.join(p, name))));
}

/** Why the window needs building, or undefined when renderer/dist is current. */
export function rendererStale(root = checkout) {
  const builtAt = statSync(path.join(root, 'renderer', 'dist', 'index.html'), { throwIfNoEntry: false })?.mtimeMs;
  if (builtAt === undefined) return 'renderer/dist is missing';
  return Math.max(...sources.map((p) => newest(path.join(root, p)))) > builtAt
    ? 'its sources changed since it was built'
    : undefined;
}

/** Builds renderer/dist if needed; returns false (having said what to run) when the build fails. */
export function ensureRenderer() {
  const why = rendererStale();
  if (!why) return true;
  console.error(`Hoist: building the window first (${why})…`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const build = spawnSync(npm, ['run', '--silent', 'build:renderer'], {
    cwd: checkout,
    stdio: ['ignore', process.stderr, process.stderr],
  });
  if (build.status === 0) return true;
  console.error('Hoist: building the window failed. Run `npm install`, then `npm run build:renderer` to see why.');
  return false;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url))
  process.exit(ensureRenderer() ? 0 : 1);
