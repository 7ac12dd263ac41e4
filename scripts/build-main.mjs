#!/usr/bin/env node
// Builds into out/: the Electron main process (ES module), the preload (CommonJS: sandboxed preloads
// cannot be ES modules), and the command line and headless daemon as plain JavaScript for Node 20+
// (no TypeScript loader at run time: the `hoist` bin starts in a fraction of the time).
// The Electron bundles leave dependencies in node_modules. The command line and the daemon take theirs
// into their chunks, in their ES module form (tree-shaken), so that a command resolves, reads and
// compiles a few files instead of hundreds of the SDK's CommonJS ones; only native addons (and the
// local stack's OpenID provider) are loaded from node_modules. Worker programs are entry points of their
// own, written beside the bundles and chunks that start them (one flat folder per target).
import { build } from 'esbuild';
import { workerEntries } from './worker-entries.mjs';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  sourcemap: true,
  logLevel: 'warning',
};
const electronTools = { ...common, packages: 'external' };
const nodeTools = {
  ...common,
  external: ['better-sqlite3', 'keytar', '@parcel/watcher', 'oidc-provider', 'electron'],
  mainFields: ['module', 'main'],
  // CommonJS code taken into an ES module still calls require (Node's built-in modules, optional peers).
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  target: 'node20',
  format: 'esm',
  splitting: true,
  outdir: 'out/node',
  entryNames: '[name]',
  chunkNames: '[name]-[hash]',
};

await Promise.all([
  build({
    ...electronTools,
    entryPoints: { index: 'electron/main/index.ts', ...workerEntries },
    outdir: 'out/electron/main',
    entryNames: '[name]',
    format: 'esm',
  }),
  build({
    ...electronTools,
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
