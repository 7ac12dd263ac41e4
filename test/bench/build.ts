// Builds the benchmark's engine processes (probe.ts, folder-memory.ts) to plain JavaScript, the way
// scripts/build-main.mjs builds the `hoist` and `headless` bins (ES modules for Node 20, dependencies
// external), so what they measure is the engine as shipped, not the engine plus the tsx loader (~50 MiB of
// RSS on its own). The output must stay inside the repository: dependencies are external and load from
// its node_modules. out/ is git-ignored.
//
//   npx tsx test/bench/build.ts [OUTDIR]      (default out/bench), then e.g.
//   node --expose-gc out/bench/folder-memory.js --files 100000
import { build } from 'esbuild';
import { workerEntries } from '../../scripts/worker-entries.mjs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface BenchBuild {
  outdir: string;
  probe: string;
  folderMemory: string;
}

export async function buildBenchTools(outdir = path.join(repo, 'out/bench')): Promise<BenchBuild> {
  const dir = path.resolve(repo, outdir);
  if (path.relative(repo, dir).startsWith('..'))
    throw new Error(`${dir}: the build must stay inside ${repo} (dependencies load from its node_modules)`);
  await build({
    absWorkingDir: repo,
    entryPoints: { probe: 'test/bench/probe.ts', 'folder-memory': 'test/bench/folder-memory.ts', ...workerEntries },
    // As scripts/build-main.mjs's node tools.
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    sourcemap: true,
    packages: 'external',
    splitting: true,
    outdir: dir,
    entryNames: '[name]',
    chunkNames: '[name]-[hash]',
    logLevel: 'warning',
  });
  return { outdir: dir, probe: path.join(dir, 'probe.js'), folderMemory: path.join(dir, 'folder-memory.js') };
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const built = await buildBenchTools(process.argv[2]);
  process.stdout.write(
    `built ${path.relative(process.cwd(), built.probe)} and ${path.relative(process.cwd(), built.folderMemory)}\n`,
  );
}
