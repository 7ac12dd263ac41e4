// The settings as `hoist config` names them: one table, built from the contract's Settings schema, of
// user-facing keys (kebab-case), how each value is typed and printed, and what each one does. A field
// the schema gains later gets a key and a form derived from its type (a number, text, a switch, a list),
// so every setting the window has is reachable from the command line without touching this file.
import { z } from 'zod';
import { Settings } from '../../common/contract.js';
import { printable } from '../../common/printable.js';
import { formatDuration, formatSize, parseDuration, parseSize, UnitFormError } from './units.js';

type Field = keyof Settings;

export interface SettingKey {
  /** What the user types: `bandwidth-limit`. */
  key: string;
  /** The Settings field it stands for: `bandwidthLimit`. */
  field: Field;
  /** The field's schema in the contract: what every value is checked against. */
  schema: z.ZodType;
  description: string;
  /** The accepted form, in words with examples; said with every error. */
  form: string;
  /** The value the user typed, as the setting holds it (checked against the schema after). */
  parse(text: string): unknown;
  /** The setting's value as `hoist config set` accepts it back. */
  format(value: unknown): string;
}

/** A value refused before anything changes, in the user's terms: exits 2 (electron/cli/errors.ts). */
export class BadSettingError extends Error {
  override readonly name = 'BadSettingError';
}

interface Kind {
  form: (schema: z.ZodType) => string;
  parse(text: string, schema: z.ZodType): unknown;
  format(value: unknown): string;
}

const wholeNumber = /^\d+$/;

const kinds = {
  count: {
    form: (s) =>
      `a whole number from ${bounds(s).min ?? 0} to ${bounds(s).max ?? 'any'}, e.g. ${Math.min(8, bounds(s).max ?? 8)}`,
    parse(text) {
      const value = text.trim();
      if (/^-\d/.test(value)) throw new UnitFormError('it cannot be negative');
      if (!wholeNumber.test(value)) throw new UnitFormError('it is not a whole number');
      return Number(value);
    },
    format: (value) => (value === null ? 'off' : String(value)),
  },
  number: {
    form: (s) =>
      `a number${bounds(s).min !== undefined ? ` from ${bounds(s).min}` : ''}${bounds(s).max !== undefined ? ` to ${bounds(s).max}` : ''}`,
    parse(text) {
      const value = text.trim();
      if (!/^-?(\d+\.?\d*|\.\d+)$/.test(value)) throw new UnitFormError('it is not a number');
      return Number(value);
    },
    format: (value) => (value === null ? 'off' : String(value)),
  },
  size: {
    form: (s) =>
      `bytes per second as a size such as 512k, 10M or 1.5G (k = KiB, M = MiB, G = GiB, B = bytes; a bare number is KiB, as in rclone)` +
      `${bounds(s).min ? `, at least ${formatSize(bounds(s).min!)}` : ''}; off or 0 for no limit`,
    // 0 is rclone's "no limit" too.
    parse: (text) => {
      const bytes = parseSize(text);
      return bytes === 0 ? null : bytes;
    },
    format: (value) => formatSize(value as number | null),
  },
  duration: {
    form: (s) =>
      `a duration such as 500ms, 2s or 1m30s (a bare number is seconds)${bounds(s).max !== undefined ? `, from ${formatDuration(bounds(s).min ?? 0)} to ${formatDuration(bounds(s).max!)}` : ''}`,
    parse: (text) => parseDuration(text),
    format: (value) => (value === null ? 'off' : formatDuration(value as number)),
  },
  list: {
    form: () => `items separated by commas (write \\, for a comma inside one), e.g. '*.log,build/'; '' for none`,
    parse: (text) =>
      text
        .split(/(?<!\\),/)
        .map((item) => item.replace(/\\,/g, ',').trim())
        .filter(Boolean),
    format: (value) => (value as string[]).map((item) => item.replace(/,/g, '\\,')).join(','),
  },
  switch: {
    form: () => 'on or off (or true/false, yes/no)',
    parse(text) {
      const value = text.trim().toLowerCase();
      if (['on', 'true', 'yes', '1'].includes(value)) return true;
      if (['off', 'false', 'no', '0'].includes(value)) return false;
      throw new UnitFormError('it is neither on nor off');
    },
    format: (value) => (value ? 'on' : 'off'),
  },
  text: {
    form: (s) => `text${s instanceof z.ZodNullable ? "; '' for none" : ''}`,
    parse: (text, s) => (text === '' && s instanceof z.ZodNullable ? null : text),
    format: (value) => (value === null || value === undefined ? '' : String(value)),
  },
  choice: {
    form: (s) => `one of ${(unwrapped(s) as z.ZodEnum).options.join(', ')}`,
    parse: (text) => text.trim(),
    format: (value) => String(value),
  },
  json: {
    form: () => 'a JSON value',
    parse(text) {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        throw new UnitFormError('it is not JSON');
      }
    },
    format: (value) => JSON.stringify(value),
  },
} satisfies Record<string, Kind>;
type KindName = keyof typeof kinds;

/** The window's settings with the names and words the command line uses; listed in this order. */
const named: Partial<Record<Field, { key: string; description: string; kind: KindName }>> = {
  filesInParallel: {
    key: 'parallel-files',
    description: 'files uploaded at a time (as rclone’s --transfers)',
    kind: 'count',
  },
  partsInParallel: { key: 'parallel-parts', description: 'parts of each file uploaded at a time', kind: 'count' },
  bandwidthLimit: {
    key: 'bandwidth-limit',
    description: 'upload speed limit, in bytes per second, for all transfers together',
    kind: 'size',
  },
  stabilityWindowMs: {
    key: 'stability-window',
    description: 'how long a file in a watched folder must stay unchanged before it is uploaded',
    kind: 'duration',
  },
  ignorePatterns: {
    key: 'ignore-patterns',
    description: 'files in watched folders that are never uploaded (gitignore syntax)',
    kind: 'list',
  },
  startAtLogin: { key: 'start-at-login', description: 'start Hoist when you log in (the desktop app)', kind: 'switch' },
  proxyUrl: {
    key: 'proxy-url',
    description: "proxy for every connection (http://host:port); '' for the environment's or the system's",
    kind: 'text',
  },
  caFile: {
    key: 'ca-file',
    description: "extra certificate authorities to trust (a PEM file); '' for none",
    kind: 'text',
  },
  notifications: {
    key: 'notifications',
    description: 'desktop notifications: finished batches, and what needs you (sign-in, a folder, a file)',
    kind: 'switch',
  },
};

/** Never offered on the command line, whatever the schema holds: secrets live in the keychain. */
const secretLooking = /password|secret|token|credential/i;

export const settingKeys: readonly SettingKey[] = settingKeysOf(Settings);

/** The table for a settings schema: the contract's, or (in tests) one with fields added. */
export function settingKeysOf(settings: z.ZodObject): SettingKey[] {
  const shape = settings.shape as Record<Field, z.ZodType>;
  const fields = Object.keys(shape) as Field[];
  const ordered = [...fields.filter((f) => named[f]), ...fields.filter((f) => !named[f])].filter(
    (f) => !secretLooking.test(f),
  );
  return ordered.map((field) => {
    const schema = shape[field];
    const given = named[field];
    const kind = kinds[given?.kind ?? kindOf(field, schema)];
    return {
      key: given?.key ?? keyOf(field),
      field,
      schema,
      description: given?.description ?? schema.description ?? '',
      form: kind.form(schema),
      parse: (text) => kind.parse(text, schema),
      format: (value) => kind.format(value),
    };
  });
}

/** `stabilityWindowMs` → `stability-window`, `caFile` → `ca-file`. */
function keyOf(field: string): string {
  return field
    .replace(/Ms$/, '')
    .replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)
    .replace(/^-/, '');
}

function kindOf(field: string, schema: z.ZodType): KindName {
  const inner = unwrapped(schema);
  if (inner instanceof z.ZodNumber) return /Ms$/.test(field) ? 'duration' : inner.isInt ? 'count' : 'number';
  if (inner instanceof z.ZodBoolean) return 'switch';
  if (inner instanceof z.ZodString) return 'text';
  if (inner instanceof z.ZodEnum) return 'choice';
  if (inner instanceof z.ZodArray && unwrapped(inner.element as z.ZodType) instanceof z.ZodString) return 'list';
  return 'json';
}

function unwrapped(schema: z.ZodType): z.ZodType {
  let s = schema;
  while (s instanceof z.ZodNullable || s instanceof z.ZodOptional || s instanceof z.ZodDefault)
    s = s.unwrap() as z.ZodType;
  return s;
}

function bounds(schema: z.ZodType): { min?: number; max?: number } {
  const inner = unwrapped(schema);
  if (!(inner instanceof z.ZodNumber)) return {};
  const finite = (n: number | null) =>
    n !== null && Number.isFinite(n) && Math.abs(n) < Number.MAX_SAFE_INTEGER ? n : undefined;
  const min = finite(inner.minValue);
  const max = finite(inner.maxValue);
  return { ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}) };
}

/** A typed value as an error shows it: shortened, terminal-safe, a password in an address masked. */
export function quotedValue(text: string): string {
  const masked = text.replace(/(\/\/[^/@:]*:)[^/@]*@/, '$1***@');
  return `'${printable(masked.length > 60 ? `${masked.slice(0, 60)}…` : masked)}'`;
}

export function findSettingKey(key: string, table: readonly SettingKey[] = settingKeys): SettingKey {
  const found = table.find((k) => k.key === key);
  if (!found) {
    throw new BadSettingError(
      `There is no setting '${printable(key)}'. The settings are: ${table.map((k) => k.key).join(', ')} (\`hoist config --help\` says what each takes).`,
    );
  }
  return found;
}

/**
 * The typed text as the setting's value, checked against the contract's schema; refused with the key
 * (or the option, `--bwlimit`) and the accepted form named. `label` defaults to the key.
 */
export function parseSettingValue(setting: SettingKey, text: string, label = setting.key): unknown {
  const shown = quotedValue(text);
  const refuse = (reason: string) =>
    new BadSettingError(`${label} ${shown}: ${reason.replace(/\.$/, '')}. Give ${setting.form}.`);
  let value: unknown;
  try {
    value = setting.parse(text);
  } catch (error) {
    if (error instanceof UnitFormError) throw refuse(error.message);
    throw error;
  }
  const checked = setting.schema.safeParse(value);
  if (!checked.success) throw refuse(explain(checked.error.issues[0]!, setting));
  return checked.data;
}

/** A schema issue in words, with the limit in the setting's own spelling (`at least 1k`, `at most 10m`). */
function explain(issue: z.core.$ZodIssue, setting: SettingKey): string {
  if (issue.code === 'too_small' || issue.code === 'too_big') {
    const limit = Number(issue.code === 'too_small' ? issue.minimum : issue.maximum);
    const word = issue.code === 'too_small' ? 'at least' : 'at most';
    if (limit >= Number.MAX_SAFE_INTEGER) return 'it is too large';
    if (issue.origin === 'number' || issue.origin === 'int') return `it must be ${word} ${setting.format(limit)}`;
    if (issue.origin === 'array') return `give ${word} ${limit} items`;
    if (issue.origin === 'string') return `each must be ${word} ${limit} characters long`;
  }
  if (issue.code === 'invalid_value' && 'values' in issue) return `it must be one of ${issue.values.join(', ')}`;
  return issue.message;
}
