// The scaling section's chart, written by hand as SVG (no library, no network): client CPU per file
// against the number of files, and client CPU per GiB against the file size, from the report's numbers.
import type { Scaling } from './scaling.js';

const W = 320;
const H = 220;
const PAD = { left: 52, right: 14, top: 30, bottom: 40 };
const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

interface Series {
  title: string;
  xLabel: string;
  yLabel: string;
  points: Array<{ x: number; y: number; label: string }>;
}

/** One panel: x on a log scale (the sizes grow tenfold or fourfold), y linear from zero. */
function panel(series: Series, offsetX: number): string {
  const pts = series.points.filter((p) => Number.isFinite(p.y) && p.x > 0);
  const out = [`<g transform="translate(${offsetX},0)">`];
  out.push(`<text x="${W / 2}" y="18" text-anchor="middle" font-size="13">${escape(series.title)}</text>`);
  const x0 = PAD.left;
  const x1 = W - PAD.right;
  const y0 = H - PAD.bottom;
  const y1 = PAD.top;
  out.push(`<line x1="${x0}" y1="${y0}" x2="${x1}" y2="${y0}" stroke="#333"/>`);
  out.push(`<line x1="${x0}" y1="${y0}" x2="${x0}" y2="${y1}" stroke="#333"/>`);
  out.push(
    `<text x="${(x0 + x1) / 2}" y="${H - 6}" text-anchor="middle" font-size="11">${escape(series.xLabel)}</text>`,
  );
  out.push(
    `<text x="12" y="${(y0 + y1) / 2}" text-anchor="middle" font-size="11" transform="rotate(-90 12 ${(y0 + y1) / 2})">${escape(series.yLabel)}</text>`,
  );
  if (pts.length === 0) {
    out.push(
      `<text x="${(x0 + x1) / 2}" y="${(y0 + y1) / 2}" text-anchor="middle" font-size="11">no data</text>`,
      '</g>',
    );
    return out.join('\n');
  }
  const lx = pts.map((p) => Math.log10(p.x));
  const [minX, maxX] = [Math.min(...lx), Math.max(...lx)];
  const maxY = Math.max(...pts.map((p) => p.y)) * 1.15 || 1;
  const sx = (x: number) =>
    maxX === minX ? (x0 + x1) / 2 : x0 + ((Math.log10(x) - minX) / (maxX - minX)) * (x1 - x0 - 20) + 10;
  const sy = (y: number) => y0 - (y / maxY) * (y0 - y1);
  for (const frac of [0, 0.5, 1]) {
    const v = maxY * frac;
    out.push(`<text x="${x0 - 4}" y="${sy(v) + 4}" text-anchor="end" font-size="10">${v.toPrecision(2)}</text>`);
  }
  out.push(
    `<polyline fill="none" stroke="#1f6feb" stroke-width="2" points="${pts.map((p) => `${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`).join(' ')}"/>`,
  );
  for (const p of pts) {
    out.push(`<circle cx="${sx(p.x).toFixed(1)}" cy="${sy(p.y).toFixed(1)}" r="3.5" fill="#1f6feb"/>`);
    out.push(
      `<text x="${sx(p.x).toFixed(1)}" y="${y0 + 14}" text-anchor="middle" font-size="10">${escape(p.label)}</text>`,
    );
    out.push(
      `<text x="${sx(p.x).toFixed(1)}" y="${(sy(p.y) - 7).toFixed(1)}" text-anchor="middle" font-size="10">${p.y.toPrecision(3)}</text>`,
    );
  }
  out.push('</g>');
  return out.join('\n');
}

export function scalingChart(scaling: Scaling): string {
  const count = (n: number) => (n >= 1000 ? `${n / 1000}k` : String(n));
  const size = (b: number) => (b >= 1024 ** 3 ? `${b / 1024 ** 3} GiB` : `${b / 1024 ** 2} MiB`);
  const files: Series = {
    title: 'Client CPU per 4 KiB file',
    xLabel: 'files uploaded',
    yLabel: 'ms per file',
    points: scaling.files.map((p) => ({ x: p.files, y: p.cpuMsPerFile, label: count(p.files) })),
  };
  const sizes: Series = {
    title: 'Client CPU per GiB, one file',
    xLabel: 'file size',
    yLabel: 's per GiB',
    points: scaling.sizes.map((p) => ({ x: p.bytes, y: p.cpuSPerGiB, label: size(p.bytes) })),
  };
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${2 * W}" height="${H}" viewBox="0 0 ${2 * W} ${H}" font-family="sans-serif">`,
    `<rect width="${2 * W}" height="${H}" fill="#fff"/>`,
    panel(files, 0),
    panel(sizes, W),
    '</svg>',
    '',
  ].join('\n');
}
