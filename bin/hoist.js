#!/usr/bin/env node
// The package's `hoist` bin. Runs the built command line (out/node/hoist.js, from `npm run build`)
// when there is one, otherwise the TypeScript source through tsx, in this same process.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const built = fileURLToPath(new URL('../out/node/hoist.js', import.meta.url));
if (existsSync(built)) {
  await import(built);
} else {
  const { tsImport } = await import('tsx/esm/api');
  await tsImport('../electron/cli/index.ts', import.meta.url);
}
