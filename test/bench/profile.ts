// Where the time goes: one extra `hoist upload` per side-by-side workload under `node --cpu-prof`, its
// samples summed by the part of Hoist that caused them. A sample is charged to the nearest Hoist module on
// its stack (the built chunks keep esbuild's `// electron/...` and `// node_modules/...` markers, which name each
// part's source), so
// time in Node's HTTP client or in SQLite counts for the module that asked for it; samples with no Hoist
// frame (start-up, the event loop's own work, garbage collection) are grouped by where they ran. The runs
// are not timed: profiling slows the process down, so only the shares mean something.
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { timed } from './measure.js';
import { hoistArgs, hoistDataDir, hoistEnv, type Ctx } from './rig.js';
import { repo } from './options.js';

export interface ProfileShare {
  /** A Hoist source module, or where time outside Hoist's frames went. */
  where: string;
  ms: number;
  share: number;
}

export interface WorkloadProfile {
  workload: string;
  label: string;
  /** Busy time of the main thread in the profile (idle excluded), ms. */
  busyMs: number;
  shares: ProfileShare[];
}

interface CpuProfile {
  nodes: Array<{
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }>;
  samples: number[];
  timeDeltas: number[];
}

/** Runs `hoist upload` of `source` once under --cpu-prof and sums where its main thread spent its time. */
export async function profileUpload(
  ctx: Ctx,
  workload: { id: string; label: string },
  source: string,
  top = 12,
): Promise<WorkloadProfile> {
  const dir = path.join(ctx.work, 'profiles', workload.id);
  await mkdir(dir, { recursive: true });
  const data = await hoistDataDir(ctx);
  const args = hoistArgs(data, ctx.stack.info.brokerUrl, source, `profile-${workload.id}`);
  const m = await timed(process.execPath, ['--cpu-prof', '--cpu-prof-dir', dir, ...args], {
    env: hoistEnv(),
    cwd: repo,
  });
  if (m.exitCode !== 0) throw new Error(`profiled hoist failed on ${workload.label}: ${m.stderr.slice(-2000)}`);
  // The main thread's profile is the largest (worker threads write their own, much smaller ones).
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => path.join(dir, f));
  const main = files.sort((a, b) => readFileSync(b).length - readFileSync(a).length)[0];
  if (!main) throw new Error(`no CPU profile written for ${workload.label}`);
  const profile = JSON.parse(readFileSync(main, 'utf8')) as CpuProfile;
  return { workload: workload.id, label: workload.label, ...sharesOf(profile, top) };
}

/** The profile's busy time, and its `top` largest shares by Hoist module (the rest summed as "other"). */
export function sharesOf(profile: CpuProfile, top: number): { busyMs: number; shares: ProfileShare[] } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const markers = new Map<string, Array<[number, string]>>();
  const totals = new Map<string, number>();
  let busy = 0;
  profile.samples.forEach((sample, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    const leaf = byId.get(sample);
    if (!leaf || leaf.callFrame.functionName === '(idle)') return;
    busy += us;
    let where: string | undefined;
    for (let id: number | undefined = sample; id !== undefined && !where; id = parent.get(id)) {
      where = hoistModule(byId.get(id)!.callFrame, markers);
    }
    where ??= outside(leaf.callFrame, sourceOf(leaf.callFrame, markers));
    totals.set(where, (totals.get(where) ?? 0) + us);
  });
  const sorted = [...totals].sort((a, b) => b[1] - a[1]);
  const shown = sorted.slice(0, top);
  const rest = sorted.slice(top).reduce((sum, [, us]) => sum + us, 0);
  if (rest > 0) shown.push(['other', rest]);
  return {
    busyMs: busy / 1000,
    shares: shown.map(([where, us]) => ({ where, ms: us / 1000, share: busy > 0 ? us / busy : 0 })),
  };
}

/**
 * The source a frame of the built command line comes from, from esbuild's markers: a Hoist module
 * (`electron/…`, `server/…`) or a bundled dependency (`node_modules/…`). Undefined outside the build.
 */
function sourceOf(
  frame: { url: string; lineNumber: number },
  markers: Map<string, Array<[number, string]>>,
): string | undefined {
  if (!frame.url.includes('/out/node/')) return undefined;
  let marks = markers.get(frame.url);
  if (!marks) {
    marks = [];
    const lines = readFileSync(fileURLToPath(frame.url), 'utf8').split('\n');
    lines.forEach((line, i) => {
      const m = /^\/\/ ((?:electron|server|node_modules)\/\S+)$/.exec(line);
      if (m) marks!.push([i, m[1]!]);
    });
    markers.set(frame.url, marks);
  }
  let found: string | undefined;
  for (const [line, source] of marks) {
    if (line > frame.lineNumber) break;
    found = source;
  }
  return found ?? path.basename(frame.url);
}

function hoistModule(
  frame: { url: string; lineNumber: number },
  markers: Map<string, Array<[number, string]>>,
): string | undefined {
  const source = sourceOf(frame, markers);
  return source === undefined || source.startsWith('node_modules/') ? undefined : source;
}

/** Time with no Hoist frame on the stack, named by where it ran. */
function outside(frame: { functionName: string; url: string }, bundled: string | undefined): string {
  if (frame.functionName === '(garbage collector)') return '(garbage collection)';
  if (frame.functionName === '(program)') return '(V8 and native code, no JavaScript frame)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(bundled ?? frame.url);
  if (pkg) return `${pkg[1]} (start-up or callbacks)`;
  if (/^node:internal\/(modules|deps\/cjs-module-lexer|bootstrap)/.test(frame.url)) return 'loading modules (Node)';
  if (/^node:(_http|net|internal\/(streams|stream_base|http|net))/.test(frame.url))
    return "Node's HTTP and sockets (callbacks with no Hoist frame)";
  if (frame.url.startsWith('node:')) return `${frame.url} (no Hoist frame)`;
  return frame.functionName ? `${frame.functionName} (native)` : '(unattributed)';
}

/** The report's section: one table per workload. */
export function profileSection(profiles: WorkloadProfile[]): string[] {
  if (profiles.length === 0) return [];
  const lines = [
    '## Where the time goes',
    '',
    "One more `hoist upload` of each workload under `node --cpu-prof` (not timed: profiling slows it). Each sample of the main thread is charged to the nearest Hoist module on its stack, so Node's HTTP client, SQLite and the SDK's signer count for the module that called them; reading files happens on a worker thread, not shown. Busy time excludes idle (waiting for the network or the local cloud).",
    '',
  ];
  for (const p of profiles) {
    lines.push(`**${p.label}** — ${(p.busyMs / 1000).toFixed(2)} s busy on the main thread`, '');
    lines.push('| Where | ms | share |', '|---|---:|---:|');
    for (const s of p.shares) lines.push(`| ${s.where} | ${s.ms.toFixed(0)} | ${(s.share * 100).toFixed(1)}% |`);
    lines.push('');
  }
  return lines;
}
