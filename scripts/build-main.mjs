#!/usr/bin/env node
// Builds the Electron main process (ES module) and the preload (CommonJS: sandboxed preloads cannot
// be ES modules) into out/. Dependencies stay external so native modules load from node_modules.
import { build } from 'esbuild';

const common = { bundle: true, platform: 'node', target: 'node22', sourcemap: true, packages: 'external', logLevel: 'warning' };

await Promise.all([
  build({ ...common, entryPoints: ['electron/main/index.ts'], outfile: 'out/electron/main/index.js', format: 'esm' }),
  build({ ...common, entryPoints: ['electron/preload/index.ts'], outfile: 'out/electron/preload/index.cjs', format: 'cjs', external: ['electron'] }),
]);
console.log('built out/electron/main/index.js and out/electron/preload/index.cjs');
