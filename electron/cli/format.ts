// Human-readable sizes and durations for the terminal, and text made safe to print there.
import { printable } from '../common/printable.js';

export { printable };

const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

export function formatBytes(bytes: number): string {
  // Whole bytes: a rate (bytes over seconds) would otherwise print as 1014.9999999999999 B/s.
  let value = Math.round(bytes);
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/**
 * Made safe for the terminal: control characters escaped as printable() does, but the line breaks and
 * backslashes a message means to have are kept (the paths inside were escaped where they were quoted).
 */
export function printableLines(message: string): string {
  // eslint-disable-next-line no-control-regex
  return message.replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g, printable);
}
