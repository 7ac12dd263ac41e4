// The engine's logger: JSON lines to a sink, with every field that could hold a secret redacted
// before it is written, whatever the caller passes. Secrets never reach a log file or a terminal.
import { printable } from '../../common/printable.js';

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

type Level = 'debug' | 'info' | 'warn' | 'error';
const levels: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Field names whose values are secret wherever they appear (compared case-insensitively). */
const secretKeys =
  /^(password|passphrase|token|refreshtoken|idtoken|accesstoken|sessiontoken|secret|secretkey|secretaccesskey|authorization|cookie|x-amz-security-token|credentials|logins)$/i;
/** Secret-looking text inside free strings: bearer tokens, JWTs, AWS signatures and session tokens. */
const secretPatterns: RegExp[] = [
  /Bearer\s+[A-Za-z0-9._~+/=-]+/g,
  /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+/g,
  /(Signature|X-Amz-Signature|X-Amz-Security-Token|x-amz-security-token)=([^&\s,]+)/gi,
];

export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string')
    return secretPatterns.reduce(
      (text, pattern) => text.replace(pattern, (m) => `${m.split(/[\s=]/)[0]}=[redacted]`),
      value,
    );
  if (value instanceof Error) return redact(value.message, depth);
  if (depth > 5 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value))
    out[key] = secretKeys.test(key) ? '[redacted]' : redact(item, depth + 1);
  return out;
}

/** `json`: one JSON object a line (files, services); `text`: "hoist: warning: …" for a terminal. */
export function createLogger(
  options: { sink?: (line: string) => void; level?: Level; format?: 'json' | 'text' } = {},
): Logger {
  const sink = options.sink ?? ((line: string) => process.stderr.write(`${line}\n`));
  const min = levels[options.level ?? 'info'];
  const write = (level: Level, message: string, fields?: Record<string, unknown>) => {
    if (levels[level] < min) return;
    const safeMessage = redact(message) as string;
    const safeFields = fields ? (redact(fields) as Record<string, unknown>) : undefined;
    if (options.format === 'text') {
      // A terminal reads this: paths and server messages in it must not carry escape sequences.
      const details = safeFields
        ? Object.entries(safeFields)
            .map(([k, v]) => ` ${printable(k)}=${printable(typeof v === 'string' ? v : String(JSON.stringify(v)))}`)
            .join('')
        : '';
      sink(`hoist: ${level === 'info' ? '' : `${level}: `}${printable(safeMessage)}${details}`);
    } else {
      sink(JSON.stringify({ time: new Date().toISOString(), level, message: safeMessage, ...safeFields }));
    }
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
  };
}

/** A logger that drops everything (for short-lived commands that print their own output). */
export const silentLogger: Logger = createLogger({ sink: () => {} });

/** One logger that hands every line to each of `loggers` (the terminal's and the log file's, each with its own level). */
export function teeLogger(...loggers: Logger[]): Logger {
  return {
    debug: (m, f) => loggers.forEach((l) => l.debug(m, f)),
    info: (m, f) => loggers.forEach((l) => l.info(m, f)),
    warn: (m, f) => loggers.forEach((l) => l.warn(m, f)),
    error: (m, f) => loggers.forEach((l) => l.error(m, f)),
  };
}
