// "How cost grows": the same measurements at growing sizes, Hoist alone. Many 4 KiB files (per-file cost
// should stay flat), single files of growing size (RSS flat, CPU linear) and watched folders of growing
// file counts (time to reconciled, idle memory and CPU, state DB size). A folder the disk has no room or
// inodes for is skipped with the reason, printed and reported.
import { statfsSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { measureFolder } from './engine-figures.js';
import { median, timed } from './measure.js';
import { GiB, repo, type Profile } from './options.js';
import { hoistArgs, hoistDataDir, hoistEnv, makeFiles, type Ctx } from './rig.js';

export interface FilesPoint {
  files: number;
  wallS: number;
  cpuMsPerFile: number;
  peakRssMiB: number;
  requests: number;
}
export interface SizePoint {
  bytes: number;
  wallS: number;
  cpuSPerGiB: number;
  peakRssMiB: number;
}
export interface FolderPoint {
  files: number;
  /** Why it was not measured (disk space or inodes); the figures are NaN then. */
  skipped?: string;
  reconciledS: number;
  idleRssMiB: number;
  idleCpuS: number;
  idleSeconds: number;
  stateDbMiB: number;
}
export interface Scaling {
  runs: number;
  files: FilesPoint[];
  sizes: SizePoint[];
  folders: FolderPoint[];
}

const FOLDER_FILE_BYTES = 64;

/** Why the disk under `dir` cannot hold a folder of `files` small files, or undefined when it can. */
export function roomFor(dir: string, files: number): string | undefined {
  const fs = statfsSync(dir);
  // Each file: an inode, a block, and about 1 KiB of state DB and journal; a folder per 1,000 files.
  const inodesNeeded = files * 1.01 + 1000;
  const bytesNeeded = files * (fs.bsize + 1024) * 1.2;
  if (fs.ffree < inodesNeeded)
    return `${files.toLocaleString('en-US')} files need ${Math.ceil(inodesNeeded).toLocaleString('en-US')} inodes; the disk has ${fs.ffree.toLocaleString('en-US')} free`;
  const free = fs.bavail * fs.bsize;
  if (free < bytesNeeded)
    return `${files.toLocaleString('en-US')} files need about ${(bytesNeeded / GiB).toFixed(1)} GiB; the disk has ${(free / GiB).toFixed(1)} GiB free`;
  return undefined;
}

async function upload(ctx: Ctx, source: string, label: string) {
  await ctx.stack.entries(); // drop what came before
  const m = await timed(
    process.execPath,
    hoistArgs(await hoistDataDir(ctx), ctx.stack.info.brokerUrl, source, `scale-${label}-${ctx.runId}`),
    { env: hoistEnv(), cwd: repo },
  );
  const requests = (await ctx.stack.entries()).filter((e) => e.protocol === 's3').length;
  if (m.exitCode !== 0) throw new Error(`hoist failed on ${label}: ${m.stderr.slice(-2000)}`);
  return { ...m, requests };
}

export async function scalingFigures(
  ctx: Ctx,
  profile: Profile,
  dataDir: string,
  log: (s: string) => void,
): Promise<Scaling> {
  const runs = profile.scaleRuns;
  const files: FilesPoint[] = [];
  for (const n of profile.scaleFiles) {
    const dir = path.join(dataDir, `scale-files-${n}`);
    makeFiles(dir, n, 4096);
    const samples = [];
    for (let run = 0; run < runs; run++) samples.push(await upload(ctx, dir, `files-${n}`));
    await rm(dir, { recursive: true, force: true });
    const point = {
      files: n,
      wallS: median(samples.map((s) => s.wallS)),
      cpuMsPerFile: median(samples.map((s) => (s.cpuS * 1000) / n)),
      peakRssMiB: median(samples.map((s) => s.peakRssMiB)),
      requests: median(samples.map((s) => s.requests)),
    };
    log(
      `  ${n} × 4 KiB: ${point.wallS.toFixed(2)} s, ${point.cpuMsPerFile.toFixed(2)} ms CPU per file, ${point.peakRssMiB.toFixed(0)} MiB, ${point.requests} requests`,
    );
    files.push(point);
  }
  const sizes: SizePoint[] = [];
  for (const bytes of profile.scaleSizes) {
    const dir = path.join(dataDir, `scale-size-${bytes}`);
    const [file] = makeFiles(dir, 1, bytes);
    const samples = [];
    for (let run = 0; run < runs; run++) samples.push(await upload(ctx, file!, `size-${bytes}`));
    await rm(dir, { recursive: true, force: true });
    const point = {
      bytes,
      wallS: median(samples.map((s) => s.wallS)),
      cpuSPerGiB: median(samples.map((s) => s.cpuS / (bytes / GiB))),
      peakRssMiB: median(samples.map((s) => s.peakRssMiB)),
    };
    log(
      `  1 × ${(bytes / GiB).toFixed(2)} GiB: ${point.wallS.toFixed(2)} s, ${point.cpuSPerGiB.toFixed(2)} s CPU per GiB, ${point.peakRssMiB.toFixed(0)} MiB`,
    );
    sizes.push(point);
  }
  const folders: FolderPoint[] = [];
  for (const n of profile.scaleFolders) {
    const dir = path.join(dataDir, `scale-folder-${n}`);
    const skipped = roomFor(dataDir, n);
    if (skipped) {
      log(`  folder of ${n} files skipped: ${skipped}`);
      folders.push({
        files: n,
        skipped,
        reconciledS: NaN,
        idleRssMiB: NaN,
        idleCpuS: NaN,
        idleSeconds: profile.idleSeconds,
        stateDbMiB: NaN,
      });
      continue;
    }
    makeFiles(dir, n, FOLDER_FILE_BYTES);
    const run = await measureFolder(ctx, { ...profile, folderFiles: n }, dir, {});
    await rm(dir, { recursive: true, force: true });
    const point = {
      files: n,
      reconciledS: run.reconciledS,
      idleRssMiB: run.idleRssMiB,
      idleCpuS: run.idleCpuS,
      idleSeconds: run.idleSeconds,
      stateDbMiB: run.stateDbBytes / (1024 * 1024),
    };
    log(
      `  folder of ${n} files: reconciled in ${point.reconciledS.toFixed(1)} s, idle ${point.idleRssMiB.toFixed(0)} MiB, ${point.idleCpuS.toFixed(2)} s CPU, state DB ${point.stateDbMiB.toFixed(1)} MiB`,
    );
    folders.push(point);
  }
  return { runs, files, sizes, folders };
}

/** Bytes of a state DB with its WAL (what the folder's engine left on disk). */
export function stateDbBytes(dataDir: string): number {
  let total = 0;
  for (const name of ['state.db', 'state.db-wal'])
    try {
      total += statSync(path.join(dataDir, name)).size;
    } catch {
      // no WAL (checkpointed and removed): nothing to add
    }
  return total;
}

/** The report's "How cost grows" section; `chart` is the SVG's file name, beside the report. */
export function scalingSection(scaling: Scaling, chart: string | undefined): string[] {
  const f = (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
  const lines = ['## How cost grows', ''];
  lines.push(
    `Hoist alone (\`hoist upload\`, fresh state folder each run), ${scaling.runs} run(s) per point, medians. Per-file cost should stay flat as files grow; RSS flat and CPU linear as the size grows.`,
    '',
  );
  if (chart) lines.push(`![Client CPU per file and per GiB as the workload grows](${chart})`, '');
  lines.push(
    '| 4 KiB files | wall s | client CPU ms per file | peak RSS MiB | requests |',
    '|---:|---:|---:|---:|---:|',
  );
  for (const p of scaling.files)
    lines.push(
      `| ${p.files.toLocaleString('en-US')} | ${f(p.wallS)} | ${f(p.cpuMsPerFile)} | ${f(p.peakRssMiB, 0)} | ${p.requests} |`,
    );
  lines.push('', '| One file of | wall s | client CPU s per GiB | peak RSS MiB |', '|---:|---:|---:|---:|');
  for (const p of scaling.sizes)
    lines.push(
      `| ${p.bytes >= GiB ? `${f(p.bytes / GiB, 0)} GiB` : `${f(p.bytes / (1024 * 1024), 0)} MiB`} | ${f(p.wallS)} | ${f(p.cpuSPerGiB)} | ${f(p.peakRssMiB, 0)} |`,
    );
  lines.push(
    '',
    '| Watched folder, files | time to reconciled s | idle RSS MiB | idle CPU s | state DB MiB |',
    '|---:|---:|---:|---:|---:|',
  );
  for (const p of scaling.folders)
    lines.push(
      p.skipped
        ? `| ${p.files.toLocaleString('en-US')} | skipped: ${p.skipped} | | | |`
        : `| ${p.files.toLocaleString('en-US')} | ${f(p.reconciledS, 1)} | ${f(p.idleRssMiB, 0)} | ${f(p.idleCpuS)} in ${p.idleSeconds} s | ${f(p.stateDbMiB, 1)} |`,
    );
  lines.push('');
  return lines;
}
