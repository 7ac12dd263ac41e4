// `npm run bench [-- --quick | --smoke] [--only folder] [--out FILE] [--json FILE] [--keep]`: Hoist (the
// `hoist upload` command line) against rclone and awscli on the same local cloud, then engine-only and
// local-cloud figures (issue 8). Writes a markdown report (default test/bench/results/<date>[-quick].md).
// `--only folder` runs only the watched-folder figures (the bare engine's idle RSS, then time to
// reconciled and idle RSS/CPU with the profile's folder: 100,000 files in the full profile, 10,000 with
// --quick, 100 with --smoke) and prints them; it writes a file only when given --out / --json.
// Depends on the CLI, the engine (through test/bench/probe.ts, built to plain JavaScript by test/bench/build.ts
// and run with plain node, as the app runs it) and the local stack (test/bench/stack-child.ts).
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildBenchTools } from './build.js';
import type { ProbeConfig, ProbeMessage } from './probe.js';
import { median, percentile, processCpuSeconds, processRss, TIME, timed, type RunMeasure } from './measure.js';
import type { FromStack, TimedEntry, ToStack } from './stack-child.js';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CONCURRENCY = 4;
const PART = 8 * MiB;
const USER = { username: 'bench', password: 'bench password 1' };

type Mode = 'full' | 'quick' | 'smoke';
interface Profile {
  runs: number;
  workloads: Array<{ id: string; label: string; files: number; size: number }>;
  rssFile: number;
  killFile: number;
  folderFiles: number;
  eventFiles: number;
  eventSeconds: number;
  latencySamples: number;
  stabilityWindowMs: number;
  idleSeconds: number;
}

const profiles: Record<Mode, Profile> = {
  full: {
    runs: 3,
    workloads: [
      { id: 'big', label: '1 × 1 GiB', files: 1, size: GiB },
      { id: 'medium', label: '100 × 20 MiB', files: 100, size: 20 * MiB },
      { id: 'small', label: '5,000 × 4 KiB', files: 5000, size: 4096 },
    ],
    rssFile: 4 * GiB,
    killFile: GiB,
    folderFiles: 100_000,
    eventFiles: 10_000,
    eventSeconds: 5,
    latencySamples: 20,
    stabilityWindowMs: 2000,
    idleSeconds: 10,
  },
  quick: {
    runs: 2,
    workloads: [
      { id: 'big', label: '1 × 256 MiB', files: 1, size: 256 * MiB },
      { id: 'medium', label: '10 × 20 MiB', files: 10, size: 20 * MiB },
      { id: 'small', label: '500 × 4 KiB', files: 500, size: 4096 },
    ],
    rssFile: 512 * MiB,
    killFile: 256 * MiB,
    folderFiles: 10_000,
    eventFiles: 10_000,
    eventSeconds: 3,
    latencySamples: 5,
    stabilityWindowMs: 2000,
    idleSeconds: 5,
  },
  smoke: {
    runs: 1,
    workloads: [
      { id: 'big', label: '1 × 24 MiB', files: 1, size: 24 * MiB },
      { id: 'medium', label: '2 × 10 MiB', files: 2, size: 10 * MiB },
      { id: 'small', label: '20 × 4 KiB', files: 20, size: 4096 },
    ],
    rssFile: 16 * MiB,
    killFile: 48 * MiB,
    folderFiles: 100,
    eventFiles: 100,
    eventSeconds: 1,
    latencySamples: 2,
    stabilityWindowMs: 300,
    idleSeconds: 1,
  },
};

// ---------- options ----------

type Part = 'folder';
const parts: Part[] = ['folder'];

function parseArgs(argv: string[]): { mode: Mode; only?: Part; out?: string; json?: string; keep: boolean } {
  let mode: Mode = 'full';
  let only: Part | undefined;
  let out: string | undefined;
  let json: string | undefined;
  let keep = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') mode = 'quick';
    else if (a === '--smoke') mode = 'smoke';
    else if (a === '--only') {
      const part = argv[++i];
      if (!parts.includes(part as Part)) throw new Error(`--only: expected one of ${parts.join(', ')}, not ${part ?? 'nothing'}`);
      only = part as Part;
    } else if (a === '--out') out = argv[++i];
    else if (a === '--json') json = argv[++i];
    else if (a === '--keep') keep = true;
    else throw new Error(`unknown option ${a} (expected --quick, --smoke, --only folder, --out FILE, --json FILE, --keep)`);
  }
  if (!out && mode !== 'smoke' && !only) out = path.join(repo, 'test/bench/results', `${new Date().toISOString().slice(0, 10)}${mode === 'quick' ? '-quick' : ''}.md`);
  return { mode, keep, ...(only ? { only } : {}), ...(out ? { out } : {}), ...(json ? { json } : {}) };
}

// ---------- data ----------

const block = randomBytes(16 * MiB);
let fileSeed = 0;
function writeData(file: string, size: number): void {
  const fd = openSync(file, 'w');
  try {
    const seed = fileSeed++;
    for (let offset = 0; offset < size; offset += block.length) {
      const n = Math.min(block.length, size - offset);
      // Every block differs (file number and offset in its first bytes): nothing can be deduplicated.
      block.writeUInt32LE(seed, 0);
      block.writeUInt32LE(offset / block.length, 4);
      writeSync(fd, block, 0, n);
    }
  } finally {
    closeSync(fd);
  }
}

function makeFiles(dir: string, count: number, size: number, perDir = 1000): string[] {
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  for (let i = 0; i < count; i++) {
    const sub = count > perDir ? path.join(dir, `d${Math.floor(i / perDir)}`) : dir;
    if (i % perDir === 0) mkdirSync(sub, { recursive: true });
    const file = path.join(sub, `f${i}.bin`);
    if (size > MiB) writeData(file, size);
    else writeFileSync(file, size > 0 ? randomBytes(size) : '');
    files.push(file);
  }
  return files;
}

// ---------- the local stack, in its own process ----------

interface StackHandle {
  child: ChildProcess;
  info: Extract<FromStack, { type: 'ready' }>['info'];
  entries(): Promise<TimedEntry[]>;
  watch(suffix: string, timeoutMs: number): Promise<TimedEntry>;
  cpu(): number;
  stop(): Promise<void>;
}

async function startStack(dir: string): Promise<StackHandle> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repo, 'test/bench/stack-child.ts')], {
    cwd: repo,
    env: { ...process.env, BENCH_STACK_DIR: dir, BENCH_STACK_USERS: JSON.stringify([USER]) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const send = (m: ToStack) => child.send(m);
  const listeners = new Set<(m: FromStack) => void>();
  child.on('message', (m: FromStack) => {
    for (const l of [...listeners]) l(m);
  });
  const next = <T extends FromStack['type']>(type: T, match: (m: Extract<FromStack, { type: T }>) => boolean = () => true, timeoutMs = 60_000) =>
    new Promise<Extract<FromStack, { type: T }>>((resolve, reject) => {
      const timer = setTimeout(() => {
        listeners.delete(l);
        reject(new Error(`local stack: no ${type} message in ${timeoutMs} ms`));
      }, timeoutMs);
      const l = (m: FromStack) => {
        if (m.type === type && match(m as Extract<FromStack, { type: T }>)) {
          clearTimeout(timer);
          listeners.delete(l);
          resolve(m as Extract<FromStack, { type: T }>);
        }
      };
      listeners.add(l);
    });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const ready = await Promise.race([next('ready'), exited.then(() => Promise.reject(new Error('the local stack exited before it was ready')))]);
  let since = 0;
  return {
    child,
    info: ready.info,
    async entries() {
      const reply = next('entries');
      send({ type: 'entries', since });
      const { entries, next: n } = await reply;
      since = n;
      return entries;
    },
    async watch(suffix, timeoutMs) {
      const seen = next('seen', (m) => m.suffix === suffix, timeoutMs);
      send({ type: 'watch', suffix });
      return (await seen).entry;
    },
    cpu: () => processCpuSeconds(child.pid!),
    async stop() {
      if (child.exitCode !== null) return;
      send({ type: 'stop' });
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

// ---------- the tools ----------

type Tool = 'hoist' | 'rclone' | 'awscli';
const tools: Tool[] = ['hoist', 'rclone', 'awscli'];

interface Ctx {
  work: string;
  /** The built probe (test/bench/build.ts): the engine as shipped, no TypeScript loader in the process measured. */
  probe: string;
  stack: StackHandle;
  peerEnv: NodeJS.ProcessEnv;
  runId: number;
}

/** The environment for the peers: the stack's admin credentials, nothing inherited from AWS_* (CA bundle, profile). */
async function peerEnvironment(work: string, stack: StackHandle): Promise<NodeJS.ProcessEnv> {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('AWS_') && !k.startsWith('RCLONE_')) env[k] = v;
  const { accessKeyId, secretAccessKey } = stack.info.adminCredentials;
  const config = path.join(work, 'aws-config');
  const credentials = path.join(work, 'aws-credentials');
  await writeFile(
    config,
    `[default]\nregion = ${stack.info.region}\ns3 =\n  max_concurrent_requests = ${CONCURRENCY}\n  multipart_chunksize = ${PART / MiB}MB\n  multipart_threshold = ${PART / MiB}MB\n  addressing_style = path\n`,
  );
  await writeFile(credentials, `[default]\naws_access_key_id = ${accessKeyId}\naws_secret_access_key = ${secretAccessKey}\n`);
  return {
    ...env,
    AWS_CONFIG_FILE: config,
    AWS_SHARED_CREDENTIALS_FILE: credentials,
    RCLONE_CONFIG_BENCH_TYPE: 's3',
    RCLONE_CONFIG_BENCH_PROVIDER: 'Other',
    RCLONE_CONFIG_BENCH_ACCESS_KEY_ID: accessKeyId,
    RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY: secretAccessKey,
    RCLONE_CONFIG_BENCH_ENDPOINT: stack.info.s3Endpoint,
    RCLONE_CONFIG_BENCH_REGION: stack.info.region,
    RCLONE_CONFIG_BENCH_FORCE_PATH_STYLE: 'true',
    RCLONE_CONFIG: path.join(work, 'rclone.conf'), // absent: everything comes from the environment
  };
}

async function hoistDataDir(ctx: Ctx, settings: Record<string, unknown> = {}): Promise<string> {
  const data = path.join(ctx.work, 'hoist-state', `run-${ctx.runId++}`);
  mkdirSync(data, { recursive: true });
  await writeFile(path.join(data, 'settings.json'), JSON.stringify({ filesInParallel: CONCURRENCY, partsInParallel: CONCURRENCY, ...settings }));
  return data;
}

/** The built command line (`npm run build:main`): what the installed `hoist` bin runs, no TypeScript loader. */
const hoistCli = path.join(repo, 'out/node/hoist.js');

function hoistArgs(data: string, brokerUrl: string, source: string, to: string): string[] {
  return [hoistCli, '--data', data, '--broker', brokerUrl, 'upload', source, '--to', to, '--json'];
}

const hoistEnv = (): NodeJS.ProcessEnv => ({ ...process.env, HOIST_USERNAME: USER.username, HOIST_PASSWORD: USER.password, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' });

async function runTool(ctx: Ctx, tool: Tool, source: string, single: boolean, workload: string): Promise<RunMeasure> {
  const { bucket, s3Endpoint, brokerUrl } = ctx.stack.info;
  if (tool === 'hoist') {
    const data = await hoistDataDir(ctx);
    return timed(process.execPath, hoistArgs(data, brokerUrl, source, `bench-${workload}`), { env: hoistEnv(), cwd: repo });
  }
  if (tool === 'rclone') {
    const dest = `bench:${bucket}/rclone/${workload}${single ? `/${path.basename(source)}` : ''}`;
    // One file: its parts in parallel; many files: one request per file, so at most CONCURRENCY in flight either way.
    const args = [single ? 'copyto' : 'copy', source, dest, '-q', '--s3-no-check-bucket', '--no-check-dest', '--transfers', String(CONCURRENCY), '--s3-upload-concurrency', String(single ? CONCURRENCY : 1), '--s3-chunk-size', `${PART / MiB}M`, '--s3-upload-cutoff', `${PART / MiB}M`];
    return timed('/usr/bin/rclone', args, { env: ctx.peerEnv });
  }
  const dest = `s3://${bucket}/awscli/${workload}${single ? `/${path.basename(source)}` : '/'}`;
  return timed('/usr/bin/aws', ['s3', 'cp', source, dest, ...(single ? [] : ['--recursive']), '--endpoint-url', s3Endpoint, '--only-show-errors'], { env: ctx.peerEnv });
}

// ---------- side by side ----------

interface ToolRun extends Omit<RunMeasure, 'stdout' | 'stderr'> {
  tool: Tool;
  run: number;
  cloudCpuS: number;
  requests: number;
  bytesReceived: number;
  completeMs: number[];
}

interface WorkloadResult {
  id: string;
  label: string;
  bytes: number;
  runs: ToolRun[];
  floor: { catS: number; md5S: number };
}

async function sideBySide(ctx: Ctx, profile: Profile, dataDir: string, log: (s: string) => void): Promise<WorkloadResult[]> {
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
        if (m.exitCode !== 0) throw new Error(`${tool} failed on ${w.label} (exit ${m.exitCode}): ${m.stderr.slice(-2000)}`);
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
        log(`  ${w.label} ${tool} run ${run}: ${m.wallS.toFixed(2)} s wall, ${m.cpuS.toFixed(2)} s CPU, ${m.peakRssMiB.toFixed(0)} MiB, cloud ${cloudCpuS.toFixed(2)} s CPU, ${entries.length} requests`);
      }
    }
    const quoted = `'${source.replace(/'/g, "'\\''")}'`;
    const floorCat = await timed('/bin/bash', ['-c', `find ${quoted} -type f -print0 | xargs -0 cat > /dev/null`]);
    const floorMd5 = await timed('/bin/bash', ['-c', `find ${quoted} -type f -print0 | xargs -0 md5sum > /dev/null`]);
    results.push({ id: w.id, label: w.label, bytes: w.files * w.size, runs, floor: { catS: floorCat.wallS, md5S: floorMd5.wallS } });
  }
  return results;
}

// ---------- engine-only ----------

interface EngineFigures {
  startup: { wallS: number; cpuS: number; peakRssMiB: number };
  rss: { fileBytes: number; peakRssMiB: number; wallS: number };
  kill: { fileBytes: number; partsBeforeKill: number; resentBytes: number; resentParts: number; overheadBytes: number; inFlightBound: number; uploadIds: number };
  /** baselineRssMiB: a bare engine (signed in, uploads paused, no folder), read as long after it is ready as idleRssMiB after reconciled. */
  /** The default watcher (@parcel/watcher where it loads), with the fallback (chokidar) measured the same way. */
  folder: FolderRun & { baselineRssMiB: number; chokidar: FolderRun };
  latency: { samples: number[]; p50: number; p95: number; stabilityWindowMs: number };
  events: { queued: number; seconds: number; perSecond: number; transfersPerEvent: number };
}

/** One big folder watched by one backend: time until every file is queued (uploads paused), then idle. */
interface FolderRun {
  /** The backend that ended up watching, as the engine logged it. */
  watcher: string;
  files: number;
  reconciledS: number;
  peakRssMiB: number;
  idleRssMiB: number;
  idleCpuS: number;
  idleSeconds: number;
}

function startProbe(ctx: Ctx, config: ProbeConfig, env: NodeJS.ProcessEnv = {}): { child: ChildProcess; next: <T extends ProbeMessage['type']>(type: T, timeoutMs: number) => Promise<Extract<ProbeMessage, { type: T }>> } {
  const child = spawn(process.execPath, [ctx.probe], {
    cwd: repo,
    env: { ...hoistEnv(), ...env, BENCH_PROBE: JSON.stringify(config) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const messages: ProbeMessage[] = [];
  const waiters = new Set<() => void>();
  child.on('message', (m: ProbeMessage) => {
    messages.push(m);
    for (const w of [...waiters]) w();
  });
  const next = <T extends ProbeMessage['type']>(type: T, timeoutMs: number) =>
    new Promise<Extract<ProbeMessage, { type: T }>>((resolve, reject) => {
      const timer = setTimeout(() => done(new Error(`probe (${config.mode}): no ${type} in ${timeoutMs} ms`)), timeoutMs);
      const done = (error?: Error, value?: ProbeMessage) => {
        clearTimeout(timer);
        waiters.delete(check);
        if (error) reject(error);
        else resolve(value as Extract<ProbeMessage, { type: T }>);
      };
      const check = () => {
        const error = messages.find((m) => m.type === 'error');
        if (error && error.type === 'error') return done(new Error(`probe (${config.mode}): ${error.message}`));
        const i = messages.findIndex((m) => m.type === type);
        if (i >= 0) done(undefined, messages.splice(i, 1)[0]);
      };
      waiters.add(check);
      child.once('exit', () => done(new Error(`probe (${config.mode}) exited`)));
      check();
    });
  return { child, next };
}

async function stopProbe(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

/** How long after reconciled (and after the bare engine is ready) its resident set is read. */
const SETTLE_MS = 5000;

/**
 * The watched-folder figures: first a bare engine (signed in, uploads paused, no folder) for a baseline,
 * then a big folder, with the default watcher and then with the fallback (chokidar), each in a fresh
 * engine: time until every file is queued (uploads paused), then the idle engine.
 */
async function folderFigures(ctx: Ctx, profile: Profile, dataDir: string, log: (s: string) => void): Promise<EngineFigures['folder']> {
  const { brokerUrl } = ctx.stack.info;
  const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

  const bareProbe = startProbe(ctx, { mode: 'idle', dataDir: await hoistDataDir(ctx), brokerUrl, ...USER, settings: {}, dir: '', count: 0 });
  let baselineRssMiB: number;
  try {
    await bareProbe.next('ready', 120_000);
    await wait(SETTLE_MS);
    baselineRssMiB = processRss(bareProbe.child.pid!).rssMiB;
  } finally {
    await stopProbe(bareProbe.child);
  }
  log(`  bare engine: idle ${baselineRssMiB.toFixed(0)} MiB`);

  const folderDir = path.join(dataDir, 'folder');
  const preferred = await measureFolder(ctx, profile, folderDir, {});
  log(`  folder (${preferred.watcher}): ${describeFolderRun(preferred)}`);
  // The fallback, forced: what a machine without @parcel/watcher's prebuilt binary gets.
  const chokidar = await measureFolder(ctx, profile, folderDir, { HOIST_WATCHER: 'chokidar' });
  log(`  folder (${chokidar.watcher}): ${describeFolderRun(chokidar)}`);
  return { ...preferred, baselineRssMiB, chokidar };
}

async function measureFolder(ctx: Ctx, profile: Profile, folderDir: string, env: NodeJS.ProcessEnv): Promise<FolderRun> {
  const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const probe = startProbe(ctx, { mode: 'folder', dataDir: await hoistDataDir(ctx), brokerUrl: ctx.stack.info.brokerUrl, ...USER, settings: {}, dir: folderDir, count: profile.folderFiles }, env);
  try {
    const reconciled = await probe.next('reconciled', 60 * 60_000);
    const peakRssMiB = processRss(probe.child.pid!).peakMiB;
    await wait(SETTLE_MS);
    const idleRssMiB = processRss(probe.child.pid!).rssMiB;
    const cpu0 = processCpuSeconds(probe.child.pid!);
    await wait(profile.idleSeconds * 1000);
    const idleCpuS = processCpuSeconds(probe.child.pid!) - cpu0;
    return { watcher: reconciled.watcher, files: profile.folderFiles, reconciledS: reconciled.ms / 1000, peakRssMiB, idleRssMiB, idleCpuS, idleSeconds: profile.idleSeconds };
  } finally {
    await stopProbe(probe.child);
  }
}

const describeFolderRun = (r: FolderRun): string =>
  `${r.files} files reconciled in ${r.reconciledS.toFixed(1)} s, peak ${r.peakRssMiB.toFixed(0)} MiB, idle ${r.idleRssMiB.toFixed(0)} MiB, ${r.idleCpuS.toFixed(2)} s CPU in ${r.idleSeconds} s`;

/** The engine table's folder rows: the default watcher, then the fallback, measured the same way. */
function folderRows(folder: EngineFigures['folder']): string[] {
  const rows = (r: FolderRun, prefix: string, extra: string): string[] => [
    `| ${prefix}${r.files.toLocaleString('en-US')}-file folder (${r.watcher}): time to reconciled | ${f(r.reconciledS, 1)} s | uploads paused, until the folder is watching and every file is a transfer; peak RSS ${f(r.peakRssMiB, 0)} MiB |`,
    `| … idle RSS (${r.watcher}) | ${f(r.idleRssMiB, 0)} MiB | ${SETTLE_MS / 1000} s after reconciled; ${f(r.idleRssMiB - folder.baselineRssMiB, 0)} MiB over the bare engine (signed in, no folder: ${f(folder.baselineRssMiB, 0)} MiB)${extra} |`,
    `| … idle CPU (${r.watcher}) | ${f(r.idleCpuS, 2)} s in ${r.idleSeconds} s | /proc/<pid>/stat utime+stime, from ${SETTLE_MS / 1000} s after reconciled |`,
  ];
  return [...rows(folder, '', ''), ...rows(folder.chokidar, 'Fallback: ', '; HOIST_WATCHER=chokidar, what a machine gets where @parcel/watcher does not load')];
}

async function engineOnly(ctx: Ctx, profile: Profile, dataDir: string, log: (s: string) => void): Promise<EngineFigures> {
  const { brokerUrl } = ctx.stack.info;
  const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

  // What every `hoist` command pays before any work: node starting, loading the CLI and the SDK.
  const startup = await timed(process.execPath, [hoistCli, '--help'], { env: hoistEnv(), cwd: repo });
  log(`  start-up: ${startup.wallS.toFixed(2)} s wall, ${startup.cpuS.toFixed(2)} s CPU`);

  // Peak RSS while uploading one big file.
  const rssFile = path.join(dataDir, 'rss', 'f0.bin');
  const rssRun = await timed(process.execPath, hoistArgs(await hoistDataDir(ctx), brokerUrl, rssFile, 'bench-rss'), { env: hoistEnv(), cwd: repo });
  if (rssRun.exitCode !== 0) throw new Error(`hoist failed on the RSS file: ${rssRun.stderr.slice(-2000)}`);
  log(`  RSS: ${rssRun.peakRssMiB.toFixed(0)} MiB peak for ${profile.rssFile / MiB} MiB`);

  // kill -9 mid-upload, then the same command again on the same state folder.
  const killFile = path.join(dataDir, 'kill', 'f0.bin');
  const killData = await hoistDataDir(ctx);
  await ctx.stack.entries();
  const victim = spawn(process.execPath, hoistArgs(killData, brokerUrl, killFile, 'bench-kill'), { env: hoistEnv(), cwd: repo, stdio: 'ignore' });
  const totalParts = Math.ceil(profile.killFile / PART);
  const killEntries: TimedEntry[] = [];
  let partsBeforeKill: number;
  for (;;) {
    await wait(20);
    killEntries.push(...(await ctx.stack.entries()));
    partsBeforeKill = killEntries.filter((e) => e.operation === 'UploadPart' && e.status === 200 && e.key?.endsWith('/f0.bin')).length;
    if (partsBeforeKill >= Math.max(1, Math.floor(totalParts / 3)) || victim.exitCode !== null) break;
  }
  if (victim.exitCode !== null) throw new Error('the upload to be killed finished before it could be killed: make the kill file bigger');
  victim.kill('SIGKILL');
  await new Promise((r) => victim.once('exit', r));
  const resume = await timed(process.execPath, hoistArgs(killData, brokerUrl, killFile, 'bench-kill'), { env: hoistEnv(), cwd: repo });
  if (resume.exitCode !== 0) throw new Error(`hoist did not finish after kill -9: ${resume.stderr.slice(-2000)}`);
  await wait(200);
  killEntries.push(...(await ctx.stack.entries()));
  const partEntries = killEntries.filter((e) => e.operation === 'UploadPart' && e.key?.includes('bench-kill/'));
  // The attempt that counts for each part: the last stored one of the upload that was completed. Every
  // other attempt (cut off by the kill, or stored and then sent again) is bytes sent twice.
  const completed = killEntries.filter((e) => e.operation === 'CompleteMultipartUpload' && e.status === 200 && e.key?.includes('bench-kill/')).pop();
  const kept = new Map<number, TimedEntry>();
  for (const e of partEntries) if (e.uploadId === completed?.uploadId && e.status === 200 && e.partNumber !== undefined) kept.set(e.partNumber, e);
  const keptSet = new Set(kept.values());
  const resent = partEntries.filter((e) => !keptSet.has(e));
  const kill = {
    fileBytes: profile.killFile,
    partsBeforeKill,
    resentBytes: resent.reduce((s, e) => s + e.bytesReceived, 0),
    resentParts: new Set(resent.map((e) => `${e.uploadId}/${e.partNumber}`)).size,
    overheadBytes: [...keptSet].reduce((s, e) => s + e.bytesReceived, 0) - profile.killFile,
    inFlightBound: CONCURRENCY * PART,
    uploadIds: new Set(partEntries.map((e) => e.uploadId)).size,
  };
  log(`  kill -9: ${(kill.resentBytes / MiB).toFixed(1)} MiB in ${kill.resentParts} parts re-sent (${partsBeforeKill} parts done at the kill)`);

  const folder = await folderFigures(ctx, profile, dataDir, log);

  // Change-to-upload-started: a new file in a watched folder until its PUT reaches the local cloud.
  const watchDir = path.join(ctx.work, 'watched');
  mkdirSync(watchDir, { recursive: true });
  const watchProbe = startProbe(ctx, { mode: 'watch', dataDir: await hoistDataDir(ctx), brokerUrl, ...USER, settings: { stabilityWindowMs: profile.stabilityWindowMs }, dir: watchDir, count: 0 });
  const samples: number[] = [];
  try {
    await watchProbe.next('watching', 120_000);
    for (let i = 0; i < profile.latencySamples; i++) {
      const name = `latency-${i}.bin`;
      const seen = ctx.stack.watch(`/${name}`, 60_000);
      const t0 = Date.now();
      await writeFile(path.join(watchDir, name), randomBytes(1024));
      samples.push(Date.parse((await seen).time) - t0);
      await wait(300);
    }
  } finally {
    await stopProbe(watchProbe.child);
  }
  const latency = { samples, p50: percentile(samples, 50), p95: percentile(samples, 95), stabilityWindowMs: profile.stabilityWindowMs };
  log(`  latency: p50 ${latency.p50} ms, p95 ${latency.p95} ms (stability window ${profile.stabilityWindowMs} ms)`);

  // Progress events reaching a subscriber with many transfers queued.
  const eventsProbe = startProbe(ctx, { mode: 'events', dataDir: await hoistDataDir(ctx), brokerUrl, ...USER, settings: {}, dir: path.join(dataDir, 'events'), count: profile.eventSeconds });
  let events: EngineFigures['events'];
  try {
    const m = await eventsProbe.next('events', 30 * 60_000);
    events = { queued: m.queued, seconds: m.seconds, perSecond: m.events / m.seconds, transfersPerEvent: m.events ? m.transfersInEvents / m.events : 0 };
  } finally {
    await stopProbe(eventsProbe.child);
  }
  log(`  events: ${events.perSecond.toFixed(1)}/s with ${events.queued} queued`);
  return { startup: { wallS: startup.wallS, cpuS: startup.cpuS, peakRssMiB: startup.peakRssMiB }, rss: { fileBytes: profile.rssFile, peakRssMiB: rssRun.peakRssMiB, wallS: rssRun.wallS }, kill, folder, latency, events };
}

// ---------- report ----------

export interface BenchReport {
  mode: Mode;
  date: string;
  machine: Record<string, string>;
  concurrency: number;
  partSize: number;
  workloads: Array<WorkloadResult & { medians: Record<Tool, { wallS: number; cpuS: number; peakRssMiB: number; cloudCpuS: number }> }>;
  engine: EngineFigures;
  cloud: { cpuSPerGiB: number; completeMs: number; completeParts: number };
  targets: Array<{ target: string; measured: string; met: boolean }>;
  markdown: string;
}

function machine(): Record<string, string> {
  const version = (cmd: string, args: string[]) => {
    try {
      return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).split('\n')[0]!.trim();
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

const f = (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(2)}×` : 'n/a');

function buildReport(mode: Mode, profile: Profile, workloads: WorkloadResult[], engine: EngineFigures): BenchReport {
  const withMedians = workloads.map((w) => {
    const medians = {} as Record<Tool, { wallS: number; cpuS: number; peakRssMiB: number; cloudCpuS: number }>;
    for (const tool of tools) {
      const runs = w.runs.filter((r) => r.tool === tool);
      medians[tool] = { wallS: median(runs.map((r) => r.wallS)), cpuS: median(runs.map((r) => r.cpuS)), peakRssMiB: median(runs.map((r) => r.peakRssMiB)), cloudCpuS: median(runs.map((r) => r.cloudCpuS)) };
    }
    return { ...w, medians };
  });
  const big = withMedians.find((w) => w.id === 'big')!;
  const small = withMedians.find((w) => w.id === 'small')!;
  const bigGiB = big.bytes / GiB;
  const cloudCpuSPerGiB = median(big.runs.map((r) => r.cloudCpuS / bigGiB));
  const hoistComplete = big.runs.filter((r) => r.tool === 'hoist').flatMap((r) => r.completeMs);
  const cloud = { cpuSPerGiB: cloudCpuSPerGiB, completeMs: median(hoistComplete), completeParts: Math.ceil(big.bytes / PART) };
  const m = big.medians;
  const targets = [
    { target: `${big.label} wall ≤ 0.8× rclone`, measured: ratio(m.hoist.wallS, m.rclone.wallS), met: m.hoist.wallS <= 0.8 * m.rclone.wallS },
    { target: `${big.label} wall ≤ 0.8× awscli`, measured: ratio(m.hoist.wallS, m.awscli.wallS), met: m.hoist.wallS <= 0.8 * m.awscli.wallS },
    { target: 'client CPU per GiB ≤ awscli’s', measured: `${f(m.hoist.cpuS / bigGiB)} vs ${f(m.awscli.cpuS / bigGiB)} s/GiB`, met: m.hoist.cpuS <= m.awscli.cpuS },
    { target: `${small.label} wall ≤ 1.0× rclone`, measured: ratio(small.medians.hoist.wallS, small.medians.rclone.wallS), met: small.medians.hoist.wallS <= small.medians.rclone.wallS },
    { target: `peak RSS ≤ 200 MiB for a ${profile.rssFile / GiB >= 1 ? `${profile.rssFile / GiB} GiB` : `${profile.rssFile / MiB} MiB`} upload (target is for 4 GiB)`, measured: `${f(engine.rss.peakRssMiB, 0)} MiB`, met: engine.rss.peakRssMiB <= 200 },
    { target: `re-sent after kill -9 ≤ parts in flight (${CONCURRENCY} parts, ${CONCURRENCY} × ${PART / MiB} MiB)`, measured: `${engine.kill.resentParts} parts, ${f(engine.kill.resentBytes / MiB, 1)} MiB`, met: engine.kill.resentParts <= CONCURRENCY && engine.kill.resentBytes <= engine.kill.inFlightBound },
    { target: `idle RSS ≤ 250 MiB with a ${engine.folder.files.toLocaleString('en-US')}-file folder (target is for 100,000)`, measured: `${f(engine.folder.idleRssMiB, 0)} MiB`, met: engine.folder.idleRssMiB <= 250 },
  ];
  const date = new Date().toISOString().slice(0, 10);
  const mach = machine();
  const lines: string[] = [];
  lines.push(`# Hoist benchmark — ${date}${mode === 'full' ? '' : ` (${mode})`}`, '');
  lines.push(`Machine: ${mach.cpu}, ${mach.memory} RAM, ${mach.os}. Node ${mach.node}; ${mach.rclone}; ${mach.awscli}; Hoist ${mach.hoist}.`, '');
  if (mode !== 'full') lines.push(`**${mode} run**: smaller data than the issue asks for (sizes below); the targets are checked on these smaller figures and only indicate.`, '');
  lines.push(
    `Concurrency: ${CONCURRENCY} upload requests in flight for every tool, ${PART / MiB} MiB parts, multipart above ${PART / MiB} MiB. ` +
      `Hoist: \`filesInParallel\` = \`partsInParallel\` = ${CONCURRENCY} (the engine shares one budget of max(files, parts) requests). ` +
      `rclone: \`--transfers ${CONCURRENCY}\`, \`--s3-upload-concurrency ${CONCURRENCY}\` for the single file and 1 for many files, \`--s3-chunk-size/--s3-upload-cutoff ${PART / MiB}M\`, \`--no-check-dest --s3-no-check-bucket\`. ` +
      `awscli: \`max_concurrent_requests = ${CONCURRENCY}\`, \`multipart_chunksize = multipart_threshold = ${PART / MiB}MB\`. ` +
      `Hoist signs in as a user through the broker (Cognito credentials, every run from a fresh state folder); the peers use the local stack's admin keys. ` +
      `Runs alternate Hoist, rclone, awscli per workload, each round starting with the next tool; ${profile.runs} run(s) each; medians shown. Data is in the page cache (written just before).`,
    '',
  );
  lines.push('## Side by side (medians)', '');
  lines.push('| Workload | Figure | Hoist | rclone | awscli | Hoist/rclone | Hoist/awscli |', '|---|---|---:|---:|---:|---:|---:|');
  for (const w of withMedians) {
    const row = (name: string, key: 'wallS' | 'cpuS' | 'peakRssMiB' | 'cloudCpuS', digits = 2) =>
      lines.push(`| ${w.label} | ${name} | ${f(w.medians.hoist[key], digits)} | ${f(w.medians.rclone[key], digits)} | ${f(w.medians.awscli[key], digits)} | ${ratio(w.medians.hoist[key], w.medians.rclone[key])} | ${ratio(w.medians.hoist[key], w.medians.awscli[key])} |`);
    row('wall s', 'wallS');
    row('client CPU s', 'cpuS');
    row('client peak RSS MiB', 'peakRssMiB', 0);
    row('local-cloud CPU s', 'cloudCpuS');
  }
  lines.push('', '## Physical floor (same data, warm cache)', '', '| Workload | `cat > /dev/null` s | `md5sum` s |', '|---|---:|---:|');
  for (const w of withMedians) lines.push(`| ${w.label} | ${f(w.floor.catS)} | ${f(w.floor.md5S)} |`);
  lines.push('', '## Engine only', '', '| Figure | Value | Notes |', '|---|---:|---|');
  const e = engine;
  lines.push(`| CLI start-up (\`hoist --help\`) | ${f(e.startup.wallS)} s | ${f(e.startup.cpuS)} s CPU, ${f(e.startup.peakRssMiB, 0)} MiB peak: paid by every \`hoist upload\` above |`);
  lines.push(`| Peak RSS uploading ${f(e.rss.fileBytes / MiB, 0)} MiB | ${f(e.rss.peakRssMiB, 0)} MiB | \`hoist upload\`, GNU time max RSS; took ${f(e.rss.wallS, 1)} s |`);
  lines.push(`| Re-sent after kill -9 mid-upload | ${f(e.kill.resentBytes / MiB, 1)} MiB | ${f(e.kill.fileBytes / MiB, 0)} MiB file killed after ${e.kill.partsBeforeKill} parts were stored; every UploadPart attempt except the one kept per part in the completed upload (${e.kill.resentParts} parts; attempts cut off by the kill count with the bytes that arrived); ${e.kill.uploadIds} multipart upload id(s); body framing on the kept parts ${f(e.kill.overheadBytes / 1024, 0)} KiB, not counted; bound ${CONCURRENCY} × ${PART / MiB} MiB |`);
  lines.push(...folderRows(e.folder));
  lines.push(`| Change-to-upload-started p50 / p95 | ${f(e.latency.p50, 0)} / ${f(e.latency.p95, 0)} ms | new 1 KiB file in a watched folder until its PUT arrives; ${e.latency.samples.length} samples; stability window ${e.latency.stabilityWindowMs} ms |`);
  lines.push(`| Progress events per second | ${f(e.events.perSecond, 1)} /s | \`transfers.changed\` on the engine bus with ${e.events.queued.toLocaleString('en-US')} transfers active, over ${f(e.events.seconds, 1)} s; ${f(e.events.transfersPerEvent, 1)} transfers per event |`);
  lines.push('', '## Local cloud', '', '| Figure | Value | Notes |', '|---|---:|---|');
  lines.push(`| CPU per GiB ingested | ${f(cloud.cpuSPerGiB)} s/GiB | ${big.label}, median over all tools' runs (per tool: Hoist ${f(m.hoist.cloudCpuS / bigGiB)}, rclone ${f(m.rclone.cloudCpuS / bigGiB)}, awscli ${f(m.awscli.cloudCpuS / bigGiB)}) |`);
  lines.push(`| CompleteMultipartUpload, ${big.label} | ${f(cloud.completeMs, 0)} ms | ${cloud.completeParts} parts; arrival to response end, Hoist's runs (median) |`);
  lines.push('', '## Targets', '', '| Target | Measured | Result |', '|---|---|---|');
  for (const t of targets) lines.push(`| ${t.target} | ${t.measured} | ${t.met ? 'met' : '**missed**'} |`);
  lines.push('', '## Every run', '', '| Workload | Tool | Run | wall s | CPU s | peak RSS MiB | cloud CPU s | requests | MiB received |', '|---|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const w of withMedians) for (const r of w.runs) lines.push(`| ${w.label} | ${r.tool} | ${r.run} | ${f(r.wallS)} | ${f(r.cpuS)} | ${f(r.peakRssMiB, 0)} | ${f(r.cloudCpuS)} | ${r.requests} | ${f(r.bytesReceived / MiB, 1)} |`);
  lines.push(
    '',
    '## Methods',
    '',
    `- Client figures: each command runs under \`${TIME} -f '%e %U %S %M'\` (GNU time: user+sys CPU and max RSS from the child's rusage, which includes waited-for descendants); wall time is measured around the spawn. Hoist runs as \`node out/node/hoist.js upload\` (the built command line the \`hoist\` bin runs; built at the start of the benchmark), so its figures include node's start-up and loading the SDK.`,
    '- Engine-only figures other than the command line\'s (folder, latency, events) come from test/bench/probe.ts, built like the `hoist` bin (esbuild: ES module, Node 20, dependencies external; test/bench/build.ts) and run with plain `node`: no TypeScript loader in the process measured. RSS and CPU are read from /proc/<pid>/status and /proc/<pid>/stat of that process.',
    '- Local cloud: its own process (test/bench/stack-child.ts); CPU seconds are utime+stime from /proc/<pid>/stat read before and after each run; request durations from the time each request arrived to the end of its response.',
    '- Kill -9: SIGKILL to the `hoist upload` process once a third of the parts are stored, then the same command on the same state folder; the figure sums the bytes the local cloud received for every UploadPart attempt of that key other than the one kept per part in the completed upload (attempts cut off by the kill count with what arrived).',
    '- Floor: `find … | xargs cat > /dev/null` and `xargs md5sum`, wall time, on the same (cached) files.',
    '- Caveat: a 2-core machine; other engineers may run tests in the same machine during the run, which shows up as spread between runs (see "Every run").',
    '',
  );
  return { mode, date, machine: mach, concurrency: CONCURRENCY, partSize: PART, workloads: withMedians, engine, cloud, targets, markdown: lines.join('\n') };
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
async function onlyFolder(options: ReturnType<typeof parseArgs>, profile: Profile, log: (s: string) => void): Promise<void> {
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
    if (options.json) await writeFile(options.json, JSON.stringify({ mode: options.mode, only: 'folder', machine: mach, folder }, null, 2));
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
  const profile = profiles[options.mode];
  const log = (s: string) => process.stderr.write(`${s}\n`);
  if (options.only === 'folder') return onlyFolder(options, profile, log);
  for (const bin of [TIME, '/usr/bin/rclone', '/usr/bin/aws']) if (!existsSync(bin)) throw new Error(`${bin} is required for the benchmark`);
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
    makeFiles(path.join(dataDir, 'kill'), 1, profile.killFile);
    makeFiles(path.join(dataDir, 'folder'), profile.folderFiles, 64);
    makeFiles(path.join(dataDir, 'events'), profile.eventFiles, 64);
    stack = await startStack(path.join(work, 'stack'));
    const ctx: Ctx = { work, probe, stack, peerEnv: await peerEnvironment(work, stack), runId: 0 };
    log('side by side:');
    const workloads = await sideBySide(ctx, profile, dataDir, log);
    log('engine only:');
    const engine = await engineOnly(ctx, profile, dataDir, log);
    const report = buildReport(options.mode, profile, workloads, engine);
    report.markdown += `\nTotal benchmark time: ${f((performance.now() - started) / 60_000, 1)} min.\n`;
    process.stdout.write(`${report.markdown}\n`);
    if (options.out) {
      mkdirSync(path.dirname(options.out), { recursive: true });
      await writeFile(options.out, report.markdown);
      log(`written to ${options.out}`);
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
