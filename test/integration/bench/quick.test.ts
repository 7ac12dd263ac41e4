// The benchmark harness in its tiny form (`npm run bench -- --smoke`): every workload, tool and figure
// is produced and sane. No timing assertions: speed is what the full run reports, not what CI checks.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface Report {
  workloads: Array<{
    id: string;
    label: string;
    runs: Array<{
      tool: string;
      wallS: number;
      cpuS: number;
      peakRssMiB: number;
      cloudCpuS: number;
      bytesReceived: number;
    }>;
    bytes: number;
    floor: { catS: number; md5S: number };
  }>;
  engine: {
    startup: { wallS: number; oneFile: { wallS: number } };
    rss: { peakRssMiB: number };
    kill: {
      resentBytes: number;
      resentParts: number;
      fileBytes: number;
      partsBeforeKill: number;
      inFlightBound: number;
    };
    folder: { files: number; reconciledS: number; idleRssMiB: number; idleCpuS: number; idleSeconds: number };
    latency: { samples: number[]; p50: number; p95: number; stabilityWindowMs: number };
    events: { queued: number; perSecond: number };
  };
  cloud: { cpuSPerGiB: number; completeMs: number };
  targets: Array<{ figure: string; target: string; measured: string; met: boolean; status: string }>;
  scaling: {
    files: Array<{ files: number; wallS: number; cpuMsPerFile: number; peakRssMiB: number; requests: number }>;
    sizes: Array<{ bytes: number; wallS: number; cpuSPerGiB: number; peakRssMiB: number }>;
    folders: Array<{ files: number; skipped?: string; reconciledS: number; idleRssMiB: number; stateDbMiB: number }>;
  };
  markdown: string;
}

let work: string;
let report: Report;
let markdown: string;
let chart: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'hoist-bench-smoke-'));
  const out = path.join(work, 'report.md');
  const json = path.join(work, 'report.json');
  const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'test/bench/run.ts', '--smoke', '--out', out, '--json', json],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stderr }));
  });
  expect(result.code, result.stderr).toBe(0);
  report = JSON.parse(await readFile(json, 'utf8')) as Report;
  markdown = await readFile(out, 'utf8');
  chart = await readFile(path.join(work, 'report.svg'), 'utf8');
}, 600_000);
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const MiB = 1024 * 1024;
const positive = (n: number) => Number.isFinite(n) && n > 0;

describe('npm run bench -- --smoke', () => {
  it('runs every workload with every tool, alternating, and every upload received all its bytes', () => {
    expect(report.workloads.map((w) => w.id)).toEqual(['big', 'medium', 'small']);
    for (const w of report.workloads) {
      expect(w.runs.map((r) => r.tool)).toEqual(['hoist', 'rclone', 'awscli']);
      for (const r of w.runs) {
        expect(positive(r.wallS), `${w.id} ${r.tool} wall`).toBe(true);
        expect(positive(r.cpuS), `${w.id} ${r.tool} cpu`).toBe(true);
        expect(r.peakRssMiB, `${w.id} ${r.tool} rss`).toBeGreaterThan(5);
        expect(r.peakRssMiB).toBeLessThan(4096);
        // Storing and hashing megabytes costs the cloud CPU it measures (the 80 KiB workload may take less than a clock tick).
        expect(
          r.cloudCpuS > 0 || w.bytes < MiB,
          `${w.id} ${r.tool} cloud cpu ${r.cloudCpuS} s for ${w.bytes} bytes`,
        ).toBe(true);
        expect(r.bytesReceived, `${w.id} ${r.tool} bytes`).toBeGreaterThanOrEqual(w.bytes);
      }
      expect(w.floor.catS).toBeGreaterThan(0);
      expect(w.floor.md5S).toBeGreaterThan(0);
    }
  });

  it('reports the engine-only and local-cloud figures', () => {
    const e = report.engine;
    expect(positive(e.startup.wallS)).toBe(true);
    expect(positive(e.startup.oneFile.wallS)).toBe(true);
    expect(e.rss.peakRssMiB).toBeGreaterThan(5);
    expect(e.kill.partsBeforeKill).toBeGreaterThan(0);
    // Only parts in flight at the kill are sent again: what was stored and journaled is not.
    expect(e.kill.resentBytes).toBeLessThanOrEqual(e.kill.inFlightBound);
    expect(e.kill.resentBytes).toBeLessThan(e.kill.fileBytes);
    expect(e.folder.files).toBeGreaterThan(0);
    expect(positive(e.folder.reconciledS)).toBe(true);
    expect(e.folder.idleRssMiB).toBeGreaterThan(5);
    // Idle means (far) less than a busy core over the idle window.
    expect(e.folder.idleCpuS).toBeLessThan(e.folder.idleSeconds);
    expect(e.latency.samples.length).toBeGreaterThan(0);
    // The upload cannot start before the file has been stable for the window.
    expect(e.latency.p50).toBeGreaterThanOrEqual(e.latency.stabilityWindowMs);
    expect(e.latency.p95).toBeGreaterThanOrEqual(e.latency.p50);
    expect(e.events.queued).toBeGreaterThan(0);
    expect(e.events.perSecond).toBeGreaterThan(0);
    expect(positive(report.cloud.cpuSPerGiB)).toBe(true);
    expect(positive(report.cloud.completeMs)).toBe(true);
  });

  it('writes a markdown report with every row and a verdict for every target', () => {
    for (const heading of [
      '## Side by side',
      '## Physical floor',
      '## Engine only',
      '## Local cloud',
      '## Targets',
      '## How cost grows',
      '## Methods',
    ])
      expect(markdown).toContain(heading);
    for (const w of report.workloads)
      for (const figure of ['wall s', 'client CPU s', 'client peak RSS MiB', 'local-cloud CPU s'])
        expect(markdown).toContain(`| ${w.label} | ${figure} |`);
    for (const row of [
      'CLI start-up',
      'of one 4 KiB file',
      'Peak RSS uploading',
      'Re-sent after kill -9',
      'time to reconciled',
      'idle RSS',
      'idle CPU',
      'Change-to-upload-started',
      'Progress events per second',
      'CPU per GiB ingested',
      'CompleteMultipartUpload',
    ])
      expect(markdown).toContain(row);
    // Every target of the issue (the 1,000,000-file folder's only in the full profile).
    expect(report.targets.length).toBeGreaterThanOrEqual(14);
    for (const t of report.targets) {
      expect(['met', 'missed', 'not measured']).toContain(t.status);
      const result = t.status === 'missed' ? '\\*\\*missed\\*\\*' : t.status;
      const escaped = [t.figure, t.target, t.measured].map((x) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
      expect(markdown).toMatch(new RegExp(`\\| ${escaped.join(' \\| ')} \\| ${result} \\|`));
    }
    expect(markdown).toMatch(/Machine: .+ cores, .+ RAM/);
    expect(markdown).toMatch(/Concurrency: 4 upload requests in flight/);
  });

  it('measures how cost grows, and charts it from the same numbers', () => {
    const { files, sizes, folders } = report.scaling;
    expect(files.map((p) => p.files)).toEqual([10, 40]);
    for (const p of files) {
      expect(positive(p.cpuMsPerFile)).toBe(true);
      expect(p.requests).toBeGreaterThanOrEqual(p.files);
    }
    expect(sizes.map((p) => p.bytes)).toEqual([8 * MiB, 16 * MiB]);
    for (const p of sizes) expect(positive(p.cpuSPerGiB) && p.peakRssMiB > 5).toBe(true);
    expect(folders.map((p) => p.files)).toEqual([50, 100]);
    for (const p of folders) {
      expect(p.skipped).toBeUndefined();
      expect(positive(p.reconciledS) && p.idleRssMiB > 5 && p.stateDbMiB > 0).toBe(true);
    }
    expect(markdown).toContain('![Client CPU per file and per GiB as the workload grows](report.svg)');
    expect(chart).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    // One point per measured figure, labelled with its value as the report prints it.
    expect(chart.match(/<circle /g)).toHaveLength(files.length + sizes.length);
    expect(chart).toContain(`>${files[0]!.cpuMsPerFile.toPrecision(3)}<`);
  });
});
