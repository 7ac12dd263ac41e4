// Sizes and durations as rclone users type them (`10M`, `1.5G`, `512k`, `off`; `2s`, `500ms`), parsed and
// printed back in a form that parses to the same value. Pure: no Node, no settings, no output.

/** A value that is not in the expected form; the reason is a short phrase ("bad suffix 'X'"). */
export class UnitFormError extends Error {
  override readonly name = 'UnitFormError';
}

/** Binary multiples, as rclone reads them: k is KiB, M is MiB, G is GiB, and so on. */
const multipliers: Record<string, number> = { k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40, p: 2 ** 50, e: 2 ** 60 };

// A plain decimal (no sign, no exponent), then an optional suffix: B, or k|M|G|T|P|E with an optional
// i or iB (case-insensitive). rclone refuses 1MB (kept for decimal units one day) and so do we.
const sizePattern = /^(\d+\.?\d*|\.\d+)(b|[kmgtpe](?:ib?)?)?$/i;

/**
 * Bytes from rclone's size spelling; null for `off`. A bare number is KiB, as in rclone (`512` is
 * 512 KiB); `B` means bytes. Fractions of a byte are dropped, as rclone does.
 */
export function parseSize(text: string): number | null {
  const value = text.trim();
  if (value === '') throw new UnitFormError('it is empty');
  if (value.toLowerCase() === 'off') return null;
  if (/^-[\d.]/.test(value)) throw new UnitFormError('a size cannot be negative');
  const match = sizePattern.exec(value);
  if (!match) {
    const suffix = /[^\d.]+$/.exec(value)?.[0];
    throw new UnitFormError(
      /^(\d+\.?\d*|\.\d+)[^\d.]+$/.test(value) && suffix
        ? `'${suffix}' is not a size suffix`
        : 'it is not a number with a size suffix',
    );
  }
  const suffix = (match[2] ?? '').toLowerCase();
  const multiplier = suffix === '' ? multipliers.k! : suffix === 'b' ? 1 : multipliers[suffix[0]!]!;
  return Math.floor(Number(match[1]) * multiplier);
}

const sizeUnits: Array<[string, number]> = [
  ['P', multipliers.p!],
  ['T', multipliers.t!],
  ['G', multipliers.g!],
  ['M', multipliers.m!],
  ['k', multipliers.k!],
];

/** The shortest of `1.5G`, `512k`, `100B` that parses back to exactly these bytes; `off` for null. */
export function formatSize(bytes: number | null): string {
  if (bytes === null) return 'off';
  if (bytes === 0) return '0';
  for (const [suffix, multiplier] of sizeUnits) {
    if (bytes < multiplier) continue;
    const shown = `${Number((bytes / multiplier).toFixed(3))}${suffix}`;
    if (parseSize(shown) === bytes) return shown;
  }
  return `${bytes}B`;
}

const durationUnits: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/**
 * Milliseconds from a duration as rclone (and Go) spell it: `2s`, `500ms`, `1.5m`, `1h30m`; a bare
 * number is seconds, as in rclone. Only whole milliseconds: `0.5ms` is refused rather than rounded.
 */
export function parseDuration(text: string): number {
  const value = text.trim();
  if (value === '') throw new UnitFormError('it is empty');
  if (/^-[\d.]/.test(value)) throw new UnitFormError('a duration cannot be negative');
  if (/^(\d+\.?\d*|\.\d+)$/.test(value)) return wholeMilliseconds(Number(value) * 1_000);
  const parts = /^(?:(?:\d+\.?\d*|\.\d+)(?:ms|s|m|h))+$/.test(value)
    ? value.match(/(\d+\.?\d*|\.\d+)(ms|s|m|h)/g)!
    : undefined;
  if (!parts) throw new UnitFormError('it is not a number of h, m, s or ms');
  let ms = 0;
  for (const part of parts) {
    const [, number, unit] = /^(\d+\.?\d*|\.\d+)(ms|s|m|h)$/.exec(part)!;
    ms += Number(number) * durationUnits[unit!]!;
  }
  return wholeMilliseconds(ms);
}

function wholeMilliseconds(ms: number): number {
  // Decimal fractions such as 0.1s are not exact in binary: round away the noise, refuse real fractions.
  const rounded = Math.round(ms);
  if (Math.abs(ms - rounded) > 1e-6) throw new UnitFormError('it is not a whole number of milliseconds');
  return rounded;
}

/** `2s`, `1.5s`, `500ms`, `10m`, `1h`: the largest unit that shows it in at most three decimals. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  for (const [unit, size] of [
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1_000],
  ] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return ms >= 1_000 ? `${ms / 1_000}s` : `${ms}ms`;
}
