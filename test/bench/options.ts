// The benchmark's options and profiles (full, --quick, --smoke), and the tools it compares.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const MiB = 1024 * 1024;
export const GiB = 1024 * MiB;
export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CONCURRENCY = 4;
export const PART = 8 * MiB;
export const USER = { username: 'bench', password: 'bench password 1' };

export type Mode = 'full' | 'quick' | 'smoke';
export interface Profile {
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
  /** How cost grows (test/bench/scaling.ts): file counts of 4 KiB, single-file sizes, watched-folder sizes. */
  scaleFiles: number[];
  scaleSizes: number[];
  scaleFolders: number[];
  /** Runs per scaling point (median taken). */
  scaleRuns: number;
}

export const profiles: Record<Mode, Profile> = {
  full: {
    runs: 5,
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
    scaleFiles: [1000, 10_000, 100_000],
    scaleSizes: [256 * MiB, GiB, 4 * GiB],
    scaleFolders: [10_000, 100_000, 1_000_000],
    scaleRuns: 1,
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
    scaleFiles: [100, 1000],
    scaleSizes: [64 * MiB, 256 * MiB],
    scaleFolders: [1000, 10_000],
    scaleRuns: 1,
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
    scaleFiles: [10, 40],
    scaleSizes: [8 * MiB, 16 * MiB],
    scaleFolders: [50, 100],
    scaleRuns: 1,
  },
};

// ---------- options ----------

export type Part = 'folder';
export const parts: Part[] = ['folder'];

export function parseArgs(argv: string[]): {
  mode: Mode;
  only?: Part;
  out?: string;
  json?: string;
  keep: boolean;
  runs?: number;
} {
  let mode: Mode = 'full';
  let runs: number | undefined;
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
      if (!parts.includes(part as Part))
        throw new Error(`--only: expected one of ${parts.join(', ')}, not ${part ?? 'nothing'}`);
      only = part as Part;
    } else if (a === '--out') out = argv[++i];
    else if (a === '--json') json = argv[++i];
    else if (a === '--keep') keep = true;
    else if (a === '--runs') {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 1) throw new Error(`--runs: expected a whole number of runs, 1 or more`);
      runs = n;
    } else
      throw new Error(
        `unknown option ${a} (expected --quick, --smoke, --runs N, --only folder, --out FILE, --json FILE, --keep)`,
      );
  }
  if (!out && mode !== 'smoke' && !only)
    out = path.join(
      repo,
      'test/bench/results',
      `${new Date().toISOString().slice(0, 10)}${mode === 'quick' ? '-quick' : ''}.md`,
    );
  return {
    mode,
    keep,
    ...(runs ? { runs } : {}),
    ...(only ? { only } : {}),
    ...(out ? { out } : {}),
    ...(json ? { json } : {}),
  };
}

export type Tool = 'hoist' | 'rclone' | 'awscli';
export const tools: Tool[] = ['hoist', 'rclone', 'awscli'];
