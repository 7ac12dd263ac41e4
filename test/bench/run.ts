// `npm run bench [-- --quick | --smoke] [--runs N] [--only folder] [--out FILE] [--json FILE] [--keep]`: Hoist
// (the `hoist upload` command line) against rclone and awscli on the same local cloud, then engine-only and
// local-cloud figures, then how cost grows with files, size and folder (test/bench/scaling.ts). Writes a
// markdown report (default test/bench/results/<date>[-quick].md) that opens with the targets, and beside it
// an SVG chart of the scaling figures (same name, .svg). --runs overrides the profile's runs per figure.
// `--only folder` runs only the watched-folder figures (the bare engine's idle RSS, then time to
// reconciled and idle RSS/CPU with the profile's folder: 100,000 files in the full profile, 10,000 with
// --quick, 100 with --smoke) and prints them; it writes a file only when given --out / --json.
// Depends on the CLI, the engine (through test/bench/probe.ts, built to plain JavaScript by test/bench/build.ts
// and run with plain node, as the app runs it) and the local stack (test/bench/stack-child.ts).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildBenchTools } from './build.js';
import { scalingChart } from './chart.js';
import { engineOnly, folderFigures } from './engine-figures.js';
import { TIME, timed } from './measure.js';
import { parseArgs, profiles, repo, tools, type Profile } from './options.js';
import { buildReport, f, folderRows, machine, SETTLE_MS, type ToolRun, type WorkloadResult } from './report.js';
import { profileUpload } from './profile.js';
import { makeFiles, peerEnvironment, runTool, startStack, type Ctx, type StackHandle } from './rig.js';
import { scalingFigures } from './scaling.js';

// ---------- side by side ----------

async function sideBySide(
  ctx: Ctx,
  profile: Profile,
  dataDir: string,
  log: (s: string) => void,
): Promise<WorkloadResult[]> {
  const results: WorkloadResult[] = [];
  for (const w of profile.workloads) {
    const source = w.files === 1 ? path.join(dataDir, w.id, 'f0.bin') : path.join(dataDir, w.id);
    const runs: ToolRun[] = [];
    await ctx.stack.entries(); // drop what came before
    for (let run = 1; run <= profile.runs; run++) {
      // Each round starts with the next tool: a workload's first run is slower for whichever tool goes
      // first (seen here: the local cloud spends up to twice the CPU on the first 5,000-file run), so no
      // tool always pays for it.
      const first = (run - 1) % tools.length;
      for (const tool of [...tools.slice(first), ...tools.slice(0, first)]) {
        const cpuBefore = ctx.stack.cpu();
        const m = await runTool(ctx, tool, source, w.files === 1, w.id);
        const cloudCpuS = ctx.stack.cpu() - cpuBefore;
        const entries = (await ctx.stack.entries()).filter((e) => e.protocol === 's3');
        if (m.exitCode !== 0)
          throw new Error(`${tool} failed on ${w.label} (exit ${m.exitCode}): ${m.stderr.slice(-2000)}`);
        runs.push({
          tool,
          run,
          wallS: m.wallS,
          cpuS: m.cpuS,
          peakRssMiB: m.peakRssMiB,
          exitCode: m.exitCode,
          cloudCpuS,
          requests: entries.length,
          bytesReceived: entries.reduce((s, e) => s + e.bytesReceived, 0),
          completeMs: entries.filter((e) => e.operation === 'CompleteMultipartUpload').map((e) => e.durationMs),
        });
        log(
          `  ${w.label} ${tool} run ${run}: ${m.wallS.toFixed(2)} s wall, ${m.cpuS.toFixed(2)} s CPU, ${m.peakRssMiB.toFixed(0)} MiB, cloud ${cloudCpuS.toFixed(2)} s CPU, ${entries.length} requests`,
        );
      }
    }
    const quoted = `'${source.replace(/'/g, "'\\''")}'`;
    const floorCat = await timed('/bin/bash', ['-c', `find ${quoted} -type f -print0 | xargs -0 cat > /dev/null`]);
    const floorMd5 = await timed('/bin/bash', ['-c', `find ${quoted} -type f -print0 | xargs -0 md5sum > /dev/null`]);
    results.push({
      id: w.id,
      label: w.label,
      bytes: w.files * w.size,
      runs,
      floor: { catS: floorCat.wallS, md5S: floorMd5.wallS },
    });
  }
  return results;
}

// ---------- main ----------

/**
 * Builds the probe for this run into out/bench/<name of the work folder>/ (inside the repository, so its
 * external dependencies load from node_modules; out/ is git-ignored; one folder per run, so runs at the same
 * time do not rewrite each other's files). Removed with the work folder.
 */
async function buildProbe(work: string): Promise<{ probe: string }> {
  return buildBenchTools(path.join(repo, 'out/bench', path.basename(work)));
}

/** `--only folder`: the watched-folder figures alone, printed as a table (to --out / --json if given). */
async function onlyFolder(
  options: ReturnType<typeof parseArgs>,
  profile: Profile,
  log: (s: string) => void,
): Promise<void> {
  const work = await mkdtemp(path.join(os.tmpdir(), 'hoist-bench-'));
  let stack: StackHandle | undefined;
  try {
    const { probe } = await buildProbe(work);
    log(`bench (${options.mode}, folder only): generating ${profile.folderFiles} files in ${work}`);
    const dataDir = path.join(work, 'data');
    makeFiles(path.join(dataDir, 'folder'), profile.folderFiles, 64);
    stack = await startStack(path.join(work, 'stack'));
    const ctx: Ctx = { work, probe, stack, peerEnv: {}, runId: 0 };
    log('engine only (folder):');
    const folder = await folderFigures(ctx, profile, dataDir, log);
    const mach = machine();
    const markdown = [
      `# Hoist benchmark — ${new Date().toISOString().slice(0, 10)} (${options.mode}, folder only)`,
      '',
      `Machine: ${mach.cpu}, ${mach.memory} RAM, ${mach.os}. Node ${mach.node}; Hoist ${(mach.hoist ?? '').split(' ')[0]}.`,
      '',
      '| Figure | Value | Notes |',
      '|---|---:|---|',
      `| Bare engine idle RSS | ${f(folder.baselineRssMiB, 0)} MiB | signed in, uploads paused, no folder; ${SETTLE_MS / 1000} s after ready |`,
      ...folderRows(folder),
      '',
    ].join('\n');
    process.stdout.write(`${markdown}\n`);
    if (options.out) {
      mkdirSync(path.dirname(options.out), { recursive: true });
      await writeFile(options.out, markdown);
      log(`written to ${options.out}`);
    }
    if (options.json)
      await writeFile(
        options.json,
        JSON.stringify({ mode: options.mode, only: 'folder', machine: mach, folder }, null, 2),
      );
  } finally {
    await stack?.stop();
    if (!options.keep) {
      await rm(work, { recursive: true, force: true });
      await rm(path.join(repo, 'out/bench', path.basename(work)), { recursive: true, force: true });
    }
  }
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const profile = { ...profiles[options.mode], ...(options.runs ? { runs: options.runs } : {}) };
  const log = (s: string) => process.stderr.write(`${s}\n`);
  if (options.only === 'folder') return onlyFolder(options, profile, log);
  for (const bin of [TIME, '/usr/bin/rclone', '/usr/bin/aws'])
    if (!existsSync(bin)) throw new Error(`${bin} is required for the benchmark`);
  // Measure the command line as it ships: built to plain JavaScript, not transpiled on every start.
  const build = spawnSync('npm', ['run', '--silent', 'build:main'], { cwd: repo, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('npm run build:main failed');
  const work = await mkdtemp(path.join(os.tmpdir(), 'hoist-bench-'));
  let stack: StackHandle | undefined;
  const started = performance.now();
  try {
    const { probe } = await buildProbe(work);
    log(`bench (${options.mode}): generating data in ${work}`);
    const dataDir = path.join(work, 'data');
    for (const w of profile.workloads) makeFiles(path.join(dataDir, w.id), w.files, w.size);
    makeFiles(path.join(dataDir, 'rss'), 1, profile.rssFile);
    makeFiles(path.join(dataDir, 'one'), 1, 4096);
    makeFiles(path.join(dataDir, 'kill'), 1, profile.killFile);
    makeFiles(path.join(dataDir, 'folder'), profile.folderFiles, 64);
    makeFiles(path.join(dataDir, 'events'), profile.eventFiles, 64);
    stack = await startStack(path.join(work, 'stack'));
    const ctx: Ctx = { work, probe, stack, peerEnv: await peerEnvironment(work, stack), runId: 0 };
    log('side by side:');
    const workloads = await sideBySide(ctx, profile, dataDir, log);
    log('where the time goes (one profiled run per workload):');
    const profiles = [];
    for (const w of profile.workloads) {
      const source = w.files === 1 ? path.join(dataDir, w.id, 'f0.bin') : path.join(dataDir, w.id);
      profiles.push(await profileUpload(ctx, w, source));
    }
    log('engine only:');
    const engine = await engineOnly(ctx, profile, dataDir, log);
    log('how cost grows:');
    const scaling = await scalingFigures(ctx, profile, dataDir, log);
    // The chart sits beside the report, named after it, and the report links it.
    const chart = options.out ? options.out.replace(/\.md$/, '') + '.svg' : undefined;
    const report = buildReport(
      options.mode,
      profile,
      workloads,
      engine,
      scaling,
      chart ? path.basename(chart) : undefined,
      profiles,
    );
    report.markdown += `\nTotal benchmark time: ${f((performance.now() - started) / 60_000, 1)} min.\n`;
    process.stdout.write(`${report.markdown}\n`);
    if (options.out) {
      mkdirSync(path.dirname(options.out), { recursive: true });
      await writeFile(options.out, report.markdown);
      await writeFile(chart!, scalingChart(scaling));
      log(`written to ${options.out} and ${chart}`);
    }
    if (options.json) await writeFile(options.json, JSON.stringify(report, null, 2));
  } finally {
    await stack?.stop();
    if (!options.keep) {
      await rm(work, { recursive: true, force: true });
      await rm(path.join(repo, 'out/bench', path.basename(work)), { recursive: true, force: true });
    }
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
