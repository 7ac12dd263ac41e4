#!/usr/bin/env node
// Builds into out/: the Electron main process (ES module), the preload (CommonJS: sandboxed preloads
// cannot be ES modules), and the command line and headless daemon as plain JavaScript for Node 20+
// (no TypeScript loader at run time: the `hoist` bin starts in a fraction of the time).
// Dependencies stay external so native modules load from node_modules. Worker programs are entry points
// of their own, written beside the bundles and chunks that start them (one flat folder per target).
import { build } from 'esbuild';
import { workerEntries } from './worker-entries.mjs';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  sourcemap: true,
  packages: 'external',
  logLevel: 'warning',
};
const nodeTools = {
  ...common,
  target: 'node20',
  format: 'esm',
  splitting: true,
  outdir: 'out/node',
  entryNames: '[name]',
  chunkNames: '[name]-[hash]',
};

await Promise.all([
  build({
    ...common,
    entryPoints: { index: 'electron/main/index.ts', ...workerEntries },
    outdir: 'out/electron/main',
    entryNames: '[name]',
    format: 'esm',
  }),
  build({
    ...common,
    entryPoints: ['electron/preload/index.ts'],
    outfile: 'out/electron/preload/index.cjs',
    format: 'cjs',
    external: ['electron'],
  }),
  build({
    ...nodeTools,
    entryPoints: { hoist: 'electron/cli/index.ts', headless: 'electron/daemon/index.ts', ...workerEntries },
  }),
]);
console.log(
  'built out/electron/main/index.js, out/electron/preload/index.cjs, out/node/hoist.js and out/node/headless.js, with their worker threads',
);
