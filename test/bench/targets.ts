// The targets, each with its measured value and whether it was met. Ratios use the medians of the
// side-by-side runs; the figures of a --quick or --smoke run are smaller than the targets name and only indicate.
import { CONCURRENCY, GiB, MiB, PART, type Profile, type Tool } from './options.js';
import type { EngineFigures, WorkloadResult } from './report.js';
import type { Scaling } from './scaling.js';

export type TargetStatus = 'met' | 'missed' | 'not measured';
export interface Target {
  figure: string;
  target: string;
  measured: string;
  met: boolean;
  status: TargetStatus;
}

type Medians = Record<Tool, { wallS: number; cpuS: number; peakRssMiB: number; cloudCpuS: number }>;

const f = (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
const sizeLabel = (bytes: number) => (bytes >= GiB ? `${f(bytes / GiB, 0)} GiB` : `${f(bytes / MiB, 0)} MiB`);

function target(figure: string, goal: string, measured: string, met: boolean | undefined): Target {
  const status: TargetStatus = met === undefined ? 'not measured' : met ? 'met' : 'missed';
  return { figure, target: goal, measured, met: met === true, status };
}

export function targetsOf(
  profile: Profile,
  workloads: Array<WorkloadResult & { medians: Medians }>,
  engine: EngineFigures,
  cloudCpuSPerGiB: number,
  scaling: Scaling,
): Target[] {
  const big = workloads.find((w) => w.id === 'big')!;
  const small = workloads.find((w) => w.id === 'small')!;
  const b = big.medians;
  const s = small.medians;
  const vs = (a: number, other: number, name: string) => `${f(a / other)}× ${name} (${f(a)} s vs ${f(other)} s)`;
  const targets = [
    target(
      `${small.label} wall`,
      '≤ 0.8× rclone',
      vs(s.hoist.wallS, s.rclone.wallS, 'rclone'),
      s.hoist.wallS <= 0.8 * s.rclone.wallS,
    ),
    target(
      `${small.label} wall`,
      '≤ 0.4× awscli',
      vs(s.hoist.wallS, s.awscli.wallS, 'awscli'),
      s.hoist.wallS <= 0.4 * s.awscli.wallS,
    ),
    target(
      `${small.label} client CPU`,
      '≤ 0.7× rclone',
      vs(s.hoist.cpuS, s.rclone.cpuS, 'rclone'),
      s.hoist.cpuS <= 0.7 * s.rclone.cpuS,
    ),
    target(
      `${big.label} client CPU, start-up included`,
      '≤ 1.0× `md5sum` of the same file',
      vs(b.hoist.cpuS, big.floor.md5S, 'md5sum'),
      b.hoist.cpuS <= big.floor.md5S,
    ),
    target(
      `${big.label} wall`,
      '≤ 0.7× awscli',
      vs(b.hoist.wallS, b.awscli.wallS, 'awscli'),
      b.hoist.wallS <= 0.7 * b.awscli.wallS,
    ),
    target(
      `${big.label} wall`,
      '≤ 0.6× rclone',
      vs(b.hoist.wallS, b.rclone.wallS, 'rclone'),
      b.hoist.wallS <= 0.6 * b.rclone.wallS,
    ),
    target(`Peak RSS, ${big.label} upload`, '≤ 100 MiB', `${f(b.hoist.peakRssMiB, 0)} MiB`, b.hoist.peakRssMiB <= 100),
    target(
      `Peak RSS, ${sizeLabel(engine.rss.fileBytes)} upload`,
      '≤ 100 MiB',
      `${f(engine.rss.peakRssMiB, 0)} MiB`,
      engine.rss.peakRssMiB <= 100,
    ),
    target('Local cloud CPU per GiB ingested', '≤ 2.5 s', `${f(cloudCpuSPerGiB)} s`, cloudCpuSPerGiB <= 2.5),
    target(
      `${engine.folder.files.toLocaleString('en-US')}-file folder: time to reconciled`,
      '≤ 8 s',
      `${f(engine.folder.reconciledS, 1)} s`,
      engine.folder.reconciledS <= 8,
    ),
    target(
      `${engine.folder.files.toLocaleString('en-US')}-file folder: idle RSS`,
      '≤ 128 MiB',
      `${f(engine.folder.idleRssMiB, 0)} MiB`,
      engine.folder.idleRssMiB <= 128,
    ),
    target('`hoist --help` wall', '≤ 0.15 s', `${f(engine.startup.wallS)} s`, engine.startup.wallS <= 0.15),
    target(
      '`hoist upload` of one 4 KiB file, wall',
      '≤ 0.5 s',
      `${f(engine.startup.oneFile.wallS)} s`,
      engine.startup.oneFile.wallS <= 0.5,
    ),
    target(
      'Re-sent after kill -9',
      `≤ parts in flight (${CONCURRENCY} × ${PART / MiB} MiB)`,
      `${engine.kill.resentParts} parts, ${f(engine.kill.resentBytes / MiB, 1)} MiB`,
      engine.kill.resentParts <= CONCURRENCY && engine.kill.resentBytes <= engine.kill.inFlightBound,
    ),
  ];
  const million = scaling.folders.find((p) => p.files === 1_000_000);
  if (profile.scaleFolders.includes(1_000_000)) {
    const measured = million && !million.skipped;
    targets.push(
      target(
        '1,000,000-file folder: time to reconciled',
        '≤ 90 s',
        measured ? `${f(million.reconciledS, 1)} s` : `skipped: ${million?.skipped ?? 'not run'}`,
        measured ? million.reconciledS <= 90 : undefined,
      ),
      target(
        '1,000,000-file folder: idle RSS',
        '≤ 400 MiB',
        measured ? `${f(million.idleRssMiB, 0)} MiB` : `skipped: ${million?.skipped ?? 'not run'}`,
        measured ? million.idleRssMiB <= 400 : undefined,
      ),
    );
  }
  return targets;
}
