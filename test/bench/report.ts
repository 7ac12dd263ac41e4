// The benchmark's figures and its markdown report: medians, ratios against the peers, the targets met.
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { median, TIME, type RunMeasure } from './measure.js';
import { CONCURRENCY, GiB, MiB, PART, repo, tools, type Mode, type Profile, type Tool } from './options.js';
import { profileSection, type WorkloadProfile } from './profile.js';
import { scalingSection, type Scaling } from './scaling.js';
import { targetsOf, type Target } from './targets.js';

export interface ToolRun extends Omit<RunMeasure, 'stdout' | 'stderr'> {
  tool: Tool;
  run: number;
  cloudCpuS: number;
  requests: number;
  bytesReceived: number;
  completeMs: number[];
}

export interface WorkloadResult {
  id: string;
  label: string;
  bytes: number;
  runs: ToolRun[];
  floor: { catS: number; md5S: number };
}

export interface EngineFigures {
  startup: { wallS: number; cpuS: number; peakRssMiB: number; oneFile: { wallS: number; cpuS: number } };
  rss: { fileBytes: number; peakRssMiB: number; wallS: number };
  kill: {
    fileBytes: number;
    partsBeforeKill: number;
    resentBytes: number;
    resentParts: number;
    overheadBytes: number;
    inFlightBound: number;
    uploadIds: number;
  };
  /** baselineRssMiB: a bare engine (signed in, uploads paused, no folder), read as long after it is ready as idleRssMiB after reconciled. */
  /** The default watcher (@parcel/watcher where it loads), with the fallback (chokidar) measured the same way. */
  folder: FolderRun & { baselineRssMiB: number; chokidar: FolderRun };
  latency: { samples: number[]; p50: number; p95: number; stabilityWindowMs: number };
  events: { queued: number; seconds: number; perSecond: number; transfersPerEvent: number };
}

/** One big folder watched by one backend: time until every file is queued (uploads paused), then idle. */
export interface FolderRun {
  /** The backend that ended up watching, as the engine logged it. */
  watcher: string;
  files: number;
  reconciledS: number;
  peakRssMiB: number;
  idleRssMiB: number;
  idleCpuS: number;
  idleSeconds: number;
  /** state.db and its WAL once idle. */
  stateDbBytes: number;
}

export const SETTLE_MS = 5000;

export const describeFolderRun = (r: FolderRun): string =>
  `${r.files} files reconciled in ${r.reconciledS.toFixed(1)} s, peak ${r.peakRssMiB.toFixed(0)} MiB, idle ${r.idleRssMiB.toFixed(0)} MiB, ${r.idleCpuS.toFixed(2)} s CPU in ${r.idleSeconds} s`;

/** The engine table's folder rows: the default watcher, then the fallback, measured the same way. */
export function folderRows(folder: EngineFigures['folder']): string[] {
  const rows = (r: FolderRun, prefix: string, extra: string): string[] => [
    `| ${prefix}${r.files.toLocaleString('en-US')}-file folder (${r.watcher}): time to reconciled | ${f(r.reconciledS, 1)} s | uploads paused, until the folder is watching and every file is a transfer; peak RSS ${f(r.peakRssMiB, 0)} MiB |`,
    `| … idle RSS (${r.watcher}) | ${f(r.idleRssMiB, 0)} MiB | ${SETTLE_MS / 1000} s after reconciled; ${f(r.idleRssMiB - folder.baselineRssMiB, 0)} MiB over the bare engine (signed in, no folder: ${f(folder.baselineRssMiB, 0)} MiB)${extra} |`,
    `| … idle CPU (${r.watcher}) | ${f(r.idleCpuS, 2)} s in ${r.idleSeconds} s | /proc/<pid>/stat utime+stime, from ${SETTLE_MS / 1000} s after reconciled |`,
  ];
  return [
    ...rows(folder, '', ''),
    ...rows(
      folder.chokidar,
      'Fallback: ',
      '; HOIST_WATCHER=chokidar, what a machine gets where @parcel/watcher does not load',
    ),
  ];
}

// ---------- report ----------

export interface BenchReport {
  mode: Mode;
  date: string;
  machine: Record<string, string>;
  concurrency: number;
  partSize: number;
  workloads: Array<
    WorkloadResult & { medians: Record<Tool, { wallS: number; cpuS: number; peakRssMiB: number; cloudCpuS: number }> }
  >;
  engine: EngineFigures;
  cloud: { cpuSPerGiB: number; completeMs: number; completeParts: number };
  targets: Target[];
  scaling: Scaling;
  markdown: string;
}

export function machine(): Record<string, string> {
  const version = (cmd: string, args: string[]) => {
    try {
      return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
        .split('\n')[0]!
        .trim();
    } catch (error) {
      return `unavailable (${(error as Error).message.split('\n')[0]})`;
    }
  };
  return {
    cpu: `${os.cpus()[0]?.model ?? 'unknown'} × ${os.cpus().length} cores`,
    memory: `${(os.totalmem() / GiB).toFixed(1)} GiB`,
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    rclone: version('/usr/bin/rclone', ['version']),
    awscli: version('/usr/bin/aws', ['--version']),
    hoist: `${version('git', ['-C', repo, 'rev-parse', '--short', 'HEAD'])} (built CLI, out/node/hoist.js)`,
  };
}

export const f = (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
export const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(2)}×` : 'n/a');

export function buildReport(
  mode: Mode,
  profile: Profile,
  workloads: WorkloadResult[],
  engine: EngineFigures,
  scaling: Scaling,
  chart?: string,
  profiles: WorkloadProfile[] = [],
): BenchReport {
  const withMedians = workloads.map((w) => {
    const medians = {} as Record<Tool, { wallS: number; cpuS: number; peakRssMiB: number; cloudCpuS: number }>;
    for (const tool of tools) {
      const runs = w.runs.filter((r) => r.tool === tool);
      medians[tool] = {
        wallS: median(runs.map((r) => r.wallS)),
        cpuS: median(runs.map((r) => r.cpuS)),
        peakRssMiB: median(runs.map((r) => r.peakRssMiB)),
        cloudCpuS: median(runs.map((r) => r.cloudCpuS)),
      };
    }
    return { ...w, medians };
  });
  const big = withMedians.find((w) => w.id === 'big')!;
  const bigGiB = big.bytes / GiB;
  const cloudCpuSPerGiB = median(big.runs.map((r) => r.cloudCpuS / bigGiB));
  const hoistComplete = big.runs.filter((r) => r.tool === 'hoist').flatMap((r) => r.completeMs);
  const cloud = {
    cpuSPerGiB: cloudCpuSPerGiB,
    completeMs: median(hoistComplete),
    completeParts: Math.ceil(big.bytes / PART),
  };
  const m = big.medians;
  const targets = targetsOf(profile, withMedians, engine, cloudCpuSPerGiB, scaling);
  const date = new Date().toISOString().slice(0, 10);
  const mach = machine();
  const lines: string[] = [];
  lines.push(`# Hoist benchmark — ${date}${mode === 'full' ? '' : ` (${mode})`}`, '');
  lines.push(
    `Machine: ${mach.cpu}, ${mach.memory} RAM, ${mach.os}. Node ${mach.node}; ${mach.rclone}; ${mach.awscli}; Hoist ${mach.hoist}.`,
    '',
  );
  if (mode !== 'full')
    lines.push(
      `**${mode} run**: smaller data than the issue asks for (sizes below); the targets are checked on these smaller figures and only indicate.`,
      '',
    );
  lines.push(
    `Concurrency: ${CONCURRENCY} upload requests in flight for every tool, ${PART / MiB} MiB parts, multipart above ${PART / MiB} MiB. ` +
      `Hoist: \`filesInParallel\` = \`partsInParallel\` = ${CONCURRENCY} (the engine shares one budget of max(files, parts) requests). ` +
      `rclone: \`--transfers ${CONCURRENCY}\`, \`--s3-upload-concurrency ${CONCURRENCY}\` for the single file and 1 for many files, \`--s3-chunk-size/--s3-upload-cutoff ${PART / MiB}M\`, \`--no-check-dest --s3-no-check-bucket\`. ` +
      `awscli: \`max_concurrent_requests = ${CONCURRENCY}\`, \`multipart_chunksize = multipart_threshold = ${PART / MiB}MB\`. ` +
      `Hoist signs in as a user through the broker (Cognito credentials, every run from a fresh state folder); the peers use the local stack's admin keys. ` +
      `Runs alternate Hoist, rclone, awscli per workload, each round starting with the next tool; ${profile.runs} run(s) each; medians shown. Data is in the page cache (written just before).`,
    '',
  );
  lines.push('## Targets', '', '| Figure | Target | Measured | Result |', '|---|---|---|---|');
  for (const t of targets)
    lines.push(`| ${t.figure} | ${t.target} | ${t.measured} | ${t.status === 'missed' ? '**missed**' : t.status} |`);
  lines.push('');
  lines.push('## Side by side (medians, spread in brackets)', '');
  lines.push(
    '| Workload | Figure | Hoist | rclone | awscli | Hoist/rclone | Hoist/awscli |',
    '|---|---|---:|---:|---:|---:|---:|',
  );
  for (const w of withMedians) {
    // The median, and the spread (lowest–highest) when there was more than one run.
    const cell = (tool: Tool, key: 'wallS' | 'cpuS' | 'peakRssMiB' | 'cloudCpuS', digits: number) => {
      const values = w.runs.filter((r) => r.tool === tool).map((r) => r[key]);
      const spread = values.length > 1 ? ` (${f(Math.min(...values), digits)}–${f(Math.max(...values), digits)})` : '';
      return `${f(w.medians[tool][key], digits)}${spread}`;
    };
    const row = (name: string, key: 'wallS' | 'cpuS' | 'peakRssMiB' | 'cloudCpuS', digits = 2) =>
      lines.push(
        `| ${w.label} | ${name} | ${cell('hoist', key, digits)} | ${cell('rclone', key, digits)} | ${cell('awscli', key, digits)} | ${ratio(w.medians.hoist[key], w.medians.rclone[key])} | ${ratio(w.medians.hoist[key], w.medians.awscli[key])} |`,
      );
    row('wall s', 'wallS');
    row('client CPU s', 'cpuS');
    row('client peak RSS MiB', 'peakRssMiB', 0);
    row('local-cloud CPU s', 'cloudCpuS');
  }
  lines.push(
    '',
    '## Physical floor (same data, warm cache)',
    '',
    '| Workload | `cat > /dev/null` s | `md5sum` s |',
    '|---|---:|---:|',
  );
  for (const w of withMedians) lines.push(`| ${w.label} | ${f(w.floor.catS)} | ${f(w.floor.md5S)} |`);
  lines.push('', '## Engine only', '', '| Figure | Value | Notes |', '|---|---:|---|');
  const e = engine;
  lines.push(
    `| CLI start-up (\`hoist --help\`) | ${f(e.startup.wallS)} s | ${f(e.startup.cpuS)} s CPU, ${f(e.startup.peakRssMiB, 0)} MiB peak: node starting and parsing the command line; median of ${profile.runs} |`,
  );
  lines.push(
    `| \`hoist upload\` of one 4 KiB file | ${f(e.startup.oneFile.wallS)} s | ${f(e.startup.oneFile.cpuS)} s CPU: start-up, loading the engine and the SDK, signing in, one PUT, verified; median of ${profile.runs} |`,
  );
  lines.push(
    `| Peak RSS uploading ${f(e.rss.fileBytes / MiB, 0)} MiB | ${f(e.rss.peakRssMiB, 0)} MiB | \`hoist upload\`, GNU time max RSS; took ${f(e.rss.wallS, 1)} s |`,
  );
  lines.push(
    `| Re-sent after kill -9 mid-upload | ${f(e.kill.resentBytes / MiB, 1)} MiB | ${f(e.kill.fileBytes / MiB, 0)} MiB file killed after ${e.kill.partsBeforeKill} parts were stored; every UploadPart attempt except the one kept per part in the completed upload (${e.kill.resentParts} parts; attempts cut off by the kill count with the bytes that arrived); ${e.kill.uploadIds} multipart upload id(s); body framing (${f(e.kill.overheadBytes / 1024, 0)} KiB on the kept parts) not counted; bound ${CONCURRENCY} × ${PART / MiB} MiB |`,
  );
  lines.push(...folderRows(e.folder));
  lines.push(
    `| Change-to-upload-started p50 / p95 | ${f(e.latency.p50, 0)} / ${f(e.latency.p95, 0)} ms | new 1 KiB file in a watched folder until its PUT arrives; ${e.latency.samples.length} samples; stability window ${e.latency.stabilityWindowMs} ms |`,
  );
  lines.push(
    `| Progress events per second | ${f(e.events.perSecond, 1)} /s | \`transfers.changed\` on the engine bus with ${e.events.queued.toLocaleString('en-US')} transfers active, over ${f(e.events.seconds, 1)} s; ${f(e.events.transfersPerEvent, 1)} transfers per event |`,
  );
  lines.push('', '## Local cloud', '', '| Figure | Value | Notes |', '|---|---:|---|');
  lines.push(
    `| CPU per GiB ingested | ${f(cloud.cpuSPerGiB)} s/GiB | ${big.label}, median over all tools' runs (per tool: Hoist ${f(m.hoist.cloudCpuS / bigGiB)}, rclone ${f(m.rclone.cloudCpuS / bigGiB)}, awscli ${f(m.awscli.cloudCpuS / bigGiB)}) |`,
  );
  lines.push(
    `| CompleteMultipartUpload, ${big.label} | ${f(cloud.completeMs, 0)} ms | ${cloud.completeParts} parts; arrival to response end, Hoist's runs (median) |`,
  );
  lines.push('', ...scalingSection(scaling, chart));
  lines.push(...profileSection(profiles));
  lines.push(
    '## Every run',
    '',
    '| Workload | Tool | Run | wall s | CPU s | peak RSS MiB | cloud CPU s | requests | MiB received |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|',
  );
  for (const w of withMedians)
    for (const r of w.runs)
      lines.push(
        `| ${w.label} | ${r.tool} | ${r.run} | ${f(r.wallS)} | ${f(r.cpuS)} | ${f(r.peakRssMiB, 0)} | ${f(r.cloudCpuS)} | ${r.requests} | ${f(r.bytesReceived / MiB, 1)} |`,
      );
  lines.push(
    '',
    '## Methods',
    '',
    `- Client figures: each command runs under \`${TIME} -f '%e %U %S %M'\` (GNU time: user+sys CPU and max RSS from the child's rusage, which includes waited-for descendants); wall time is measured around the spawn. Hoist runs as \`node out/node/hoist.js upload\` (the built command line the \`hoist\` bin runs; built at the start of the benchmark), so its figures include node's start-up and loading the SDK.`,
    "- Engine-only figures other than the command line's (folder, latency, events) come from test/bench/probe.ts, built like the `hoist` bin (esbuild: ES module, Node 20, dependencies external; test/bench/build.ts) and run with plain `node`: no TypeScript loader in the process measured. RSS and CPU are read from /proc/<pid>/status and /proc/<pid>/stat of that process.",
    '- Local cloud: its own process (test/bench/stack-child.ts); CPU seconds are utime+stime from /proc/<pid>/stat read before and after each run; request durations from the time each request arrived to the end of its response.',
    '- Kill -9: SIGKILL to the `hoist upload` process once a third of the parts are stored, then the same command on the same state folder; the figure sums the bytes the local cloud received for every UploadPart attempt of that key other than the one kept per part in the completed upload (attempts cut off by the kill count with what arrived), less the aws-chunked framing at the ratio of framing to file bytes on the kept parts.',
    '- Floor: `find … | xargs cat > /dev/null` and `xargs md5sum`, wall time, on the same (cached) files.',
    '- Caveat: a 2-core machine; other engineers may run tests in the same machine during the run, which shows up as spread between runs (see "Every run").',
    '',
  );
  return {
    mode,
    date,
    machine: mach,
    concurrency: CONCURRENCY,
    partSize: PART,
    workloads: withMedians,
    engine,
    cloud,
    targets,
    scaling,
    markdown: lines.join('\n'),
  };
}
