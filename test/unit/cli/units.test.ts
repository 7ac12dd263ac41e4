// Sizes and durations as rclone spells them, table by table: the rows marked "rclone" are the cases of
// rclone's own size-suffix tests (fs/sizesuffix_test.go in the rclone repository), so a user's
// `--bwlimit` means here what it means there.
import { describe, expect, it } from 'vitest';
import {
  formatDuration,
  formatSize,
  parseDuration,
  parseSize,
  UnitFormError,
} from '../../../electron/cli/config/units.js';

const Ki = 1024;
const Mi = Ki * Ki;
const Gi = Mi * Ki;

describe('parseSize', () => {
  it.each<[string, number | null]>([
    // rclone
    ['0', 0],
    ['1b', 1],
    ['102B', 102],
    ['0.1k', 102],
    ['0.1', 102],
    ['1K', Ki],
    ['1k', Ki],
    ['1KI', Ki],
    ['1Ki', Ki],
    ['1kI', Ki],
    ['1ki', Ki],
    ['1KiB', Ki],
    ['1kib', Ki],
    ['1', Ki],
    ['2.5', 2.5 * Ki],
    ['1M', Mi],
    ['1Mi', Mi],
    ['1MiB', Mi],
    ['1.g', Gi],
    ['10G', 10 * Gi],
    ['10T', 10 * Gi * Ki],
    ['10P', 10 * Gi * Mi],
    ['off', null],
    ['OFF', null],
    // ours
    ['10M', 10 * Mi],
    ['1.5G', 1.5 * Gi],
    ['512k', 512 * Ki],
    ['.5M', Mi / 2],
    [' 17M ', 17 * Mi],
  ])('%j is %j bytes', (text, bytes) => {
    expect(parseSize(text)).toBe(bytes);
  });

  it.each<[string, RegExp]>([
    // rclone
    ['', /empty/],
    ['1q', /'q' is not a size suffix/],
    ['1.q', /'q' is not a size suffix/],
    ['-1K', /cannot be negative/],
    ['1i', /'i' is not a size suffix/],
    ['1iB', /'iB' is not a size suffix/],
    ['1MB', /'MB' is not a size suffix/],
    // ours
    ['10X', /'X' is not a size suffix/],
    ['abc', /not a number/],
    ['1e3', /'e3' is not a size suffix|not a number/],
    ['1.2.3M', /not a number/],
    ['0x10', /not a number|suffix/],
    ['M', /not a number/],
    ['--json', /not a number/],
  ])('%j is refused (%s)', (text, reason) => {
    expect(() => parseSize(text)).toThrow(UnitFormError);
    expect(() => parseSize(text)).toThrow(reason);
  });
});

describe('formatSize', () => {
  it.each<[number | null, string]>([
    [null, 'off'],
    [0, '0'],
    [102, '102B'],
    [Ki, '1k'],
    [Mi, '1M'],
    [Gi, '1G'],
    [10 * Gi, '10G'],
    [1.5 * Gi, '1.5G'],
    [Math.floor(1.1 * Gi), '1.1G'],
    [Mi + 1, '1024.001k'],
    // No three-decimal spelling in k floors back to it: in bytes.
    [1046, '1046B'],
    // What the window stores for "10 MB/s".
    [10_000_000, '9765.625k'],
  ])('%j bytes is %j', (bytes, text) => {
    expect(formatSize(bytes)).toBe(text);
  });

  it.each([0, 1, 102, 1023, Ki, 1536, Mi - 1, Mi, Mi + 1, 10_000_000, 1.5 * Gi, 123_456_789, 7 * Gi * Ki])(
    '%j bytes prints as a size that parses back to it',
    (bytes) => {
      expect(parseSize(formatSize(bytes))).toBe(bytes);
    },
  );
});

describe('parseDuration', () => {
  it.each<[string, number]>([
    ['2s', 2_000],
    ['500ms', 500],
    ['0', 0],
    ['0s', 0],
    ['2', 2_000],
    ['1.5', 1_500],
    ['0.1s', 100],
    ['1.5m', 90_000],
    ['1m30s', 90_000],
    ['1h', 3_600_000],
    ['1h2m3s4ms', 3_723_004],
    [' 2s ', 2_000],
  ])('%j is %j ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each<[string, RegExp]>([
    ['', /empty/],
    ['-2s', /cannot be negative/],
    ['2x', /not a number of h, m, s or ms/],
    ['2S', /not a number of h, m, s or ms/],
    ['s', /not a number of h, m, s or ms/],
    ['2 s', /not a number of h, m, s or ms/],
    ['1d', /not a number of h, m, s or ms/],
    ['0.5ms', /not a whole number of milliseconds/],
    ['1.0001s', /not a whole number of milliseconds/],
  ])('%j is refused (%s)', (text, reason) => {
    expect(() => parseDuration(text)).toThrow(UnitFormError);
    expect(() => parseDuration(text)).toThrow(reason);
  });
});

describe('formatDuration', () => {
  it.each<[number, string]>([
    [0, '0s'],
    [500, '500ms'],
    [1_000, '1s'],
    [1_500, '1.5s'],
    [2_000, '2s'],
    [90_000, '90s'],
    [120_000, '2m'],
    [600_000, '10m'],
    [3_600_000, '1h'],
  ])('%j ms is %j', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
    expect(parseDuration(text)).toBe(ms);
  });
});
