// The table behind `hoist config`: every setting of the contract has a key, values are checked against
// the contract's schema with the key and the accepted form named, and a field added to the schema later
// (a proxy URL, a CA file) gets a key and a form without anyone editing the table.
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { Settings } from '../../../electron/common/contract.js';
import {
  BadSettingError,
  findSettingKey,
  parseSettingValue,
  settingKeys,
  settingKeysOf,
} from '../../../electron/cli/config/keys.js';

const parse = (key: string, text: string) => parseSettingValue(findSettingKey(key), text);

describe('the settings table', () => {
  it('has one kebab-case key for every field of the contract, the window’s names first', () => {
    expect(settingKeys.map((k) => k.field).sort()).toEqual(Object.keys(Settings.shape).sort());
    expect(settingKeys.slice(0, 6).map((k) => k.key)).toEqual([
      'parallel-files',
      'parallel-parts',
      'bandwidth-limit',
      'stability-window',
      'ignore-patterns',
      'start-at-login',
    ]);
    for (const k of settingKeys) {
      expect(k.key).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(k.description).not.toBe('');
    }
  });

  it.each<[string, string, unknown]>([
    ['parallel-files', '8', 8],
    ['parallel-files', ' 64 ', 64],
    ['parallel-parts', '1', 1],
    ['bandwidth-limit', '10M', 10 * 2 ** 20],
    ['bandwidth-limit', '1.5G', 1.5 * 2 ** 30],
    ['bandwidth-limit', '512k', 512 * 1024],
    ['bandwidth-limit', '512', 512 * 1024],
    ['bandwidth-limit', '1k', 1024],
    ['bandwidth-limit', 'off', null],
    ['bandwidth-limit', '0', null],
    ['stability-window', '2s', 2_000],
    ['stability-window', '500ms', 500],
    ['stability-window', '0', 0],
    ['stability-window', '10m', 600_000],
    ['ignore-patterns', '*.log,build/', ['*.log', 'build/']],
    ['ignore-patterns', ' *.log , ,build/ ', ['*.log', 'build/']],
    ['ignore-patterns', 'a\\,b,\\#c', ['a,b', '\\#c']],
    ['ignore-patterns', '', []],
    ['start-at-login', 'on', true],
    ['start-at-login', 'OFF', false],
    ['start-at-login', 'yes', true],
  ])('%s %j is %j', (key, text, value) => {
    expect(parse(key, text)).toEqual(value);
  });

  it.each<[string, string, RegExp]>([
    ['parallel-files', '0', /^parallel-files '0': it must be at least 1\. Give a whole number from 1 to 64/],
    ['parallel-files', '65', /^parallel-files '65': it must be at most 64\./],
    ['parallel-files', 'abc', /^parallel-files 'abc': it is not a whole number\./],
    ['parallel-files', '2.5', /it is not a whole number/],
    ['parallel-files', '-1', /it cannot be negative/],
    ['parallel-files', '', /it is not a whole number/],
    [
      'bandwidth-limit',
      '10X',
      /^bandwidth-limit '10X': 'X' is not a size suffix\. Give bytes per second as a size such as 512k, 10M or 1\.5G/,
    ],
    ['bandwidth-limit', '-1M', /a size cannot be negative/],
    ['bandwidth-limit', '100B', /it must be at least 1k/],
    ['bandwidth-limit', '10P', /it is too large/],
    ['stability-window', '11m', /^stability-window '11m': it must be at most 10m\. Give a duration such as 500ms, 2s/],
    ['stability-window', '2x', /not a number of h, m, s or ms/],
    ['ignore-patterns', 'x'.repeat(513), /each must be at most 512 characters long/],
    ['ignore-patterns', Array.from({ length: 501 }, (_, i) => `p${i}`).join(','), /give at most 500 items/],
    ['start-at-login', 'maybe', /^start-at-login 'maybe': it is neither on nor off\. Give on or off/],
  ])('%s %j is refused', (key, text, message) => {
    expect(() => parse(key, text)).toThrow(BadSettingError);
    expect(() => parse(key, text)).toThrow(message);
  });

  it('names an unknown key and lists the known ones, escaping what was typed', () => {
    expect(() => findSettingKey('speed')).toThrow(
      /^There is no setting 'speed'\. The settings are: parallel-files, parallel-parts, bandwidth-limit/,
    );
    expect(() => findSettingKey('bad\u001b[31m')).toThrow("There is no setting 'bad\\e[31m'");
  });

  it('names the option instead of the key when asked (--bwlimit, --transfers)', () => {
    expect(() => parseSettingValue(findSettingKey('parallel-files'), '0', '--transfers')).toThrow(
      /^--transfers '0': it must be at least 1\./,
    );
  });

  it('prints every value in a form that parses back to it', () => {
    const samples: Partial<Settings> = {
      filesInParallel: 7,
      partsInParallel: 3,
      bandwidthLimit: 10_000_000,
      stabilityWindowMs: 1_234,
      ignorePatterns: ['a,b', '*.tmp', '\\#x'],
      startAtLogin: true,
    };
    for (const k of settingKeys.filter((k) => k.field in samples)) {
      const value = samples[k.field];
      expect(parseSettingValue(k, k.format(value)), k.key).toEqual(value);
    }
    expect(findSettingKey('bandwidth-limit').format(null)).toBe('off');
  });

  it('gives fields added to the schema later a key and a form from their type, and never offers a secret', () => {
    const extended = Settings.extend({
      mirrorUrl: z.string().url().nullable(),
      logFile: z.string().min(1).nullable().describe('where to copy the log'),
      retryDelayMs: z.number().int().min(0).max(60_000),
      mode: z.enum(['fast', 'careful']),
      proxyPassword: z.string(),
    });
    const table = settingKeysOf(extended);
    expect(table.map((k) => k.key)).toEqual([
      ...settingKeys.map((k) => k.key),
      'mirror-url',
      'log-file',
      'retry-delay',
      'mode',
    ]);
    const key = (name: string) => findSettingKey(name, table);
    expect(parseSettingValue(key('mirror-url'), 'http://mirror.example:3128')).toBe('http://mirror.example:3128');
    expect(parseSettingValue(key('mirror-url'), '')).toBeNull();
    expect(() => parseSettingValue(key('mirror-url'), 'not a url')).toThrow(
      /^mirror-url 'not a url': .+\. Give text; '' for none\.$/,
    );
    expect(key('log-file').description).toBe('where to copy the log');
    expect(parseSettingValue(key('retry-delay'), '1.5s')).toBe(1_500);
    expect(() => parseSettingValue(key('retry-delay'), '2m')).toThrow(/it must be at most 1m/);
    expect(() => parseSettingValue(key('mode'), 'slow')).toThrow(
      /it must be one of fast, careful\. Give one of fast, careful\./,
    );
  });
});
