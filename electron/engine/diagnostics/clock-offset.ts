// A clock offset in words ("4 minutes ahead"), the same in the set-up check and in a failed transfer, and
// S3's limit on it: a request signed more than 15 minutes away from S3's time is refused
// (RequestTimeTooSkewed).

/** S3 refuses a request signed further than this from its own time. */
export const S3_MAX_SKEW_SECONDS = 15 * 60;
/** Past this the clock is worth setting, although S3 still accepts requests. */
export const CLOCK_WARNING_SECONDS = 60;

/** "1 hour 5 minutes", "3 minutes", "42 seconds": the size of an offset, rounded as a person says it. */
export function durationWords(seconds: number): string {
  const s = Math.round(Math.abs(seconds));
  const unit = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (s < 90) return unit(s, 'second');
  const minutes = Math.round(s / 60);
  if (minutes < 60) return unit(minutes, 'minute');
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  if (days > 0) return [unit(days, 'day'), hours > 0 ? unit(hours, 'hour') : ''].filter(Boolean).join(' ');
  return [unit(hours, 'hour'), rest > 0 ? unit(rest, 'minute') : ''].filter(Boolean).join(' ');
}

/**
 * Where this computer's clock stands against S3's, given the seconds S3 is ahead of this computer:
 * "this computer's clock is 20 minutes behind S3's".
 */
export function clockOffsetWords(serverAheadSeconds: number): string {
  if (Math.round(serverAheadSeconds) === 0) return "this computer's clock agrees with S3's";
  // S3 ahead means this computer is behind, and the reverse.
  const side = serverAheadSeconds > 0 ? 'behind' : 'ahead of';
  return `this computer's clock is ${durationWords(serverAheadSeconds)} ${side} S3's`;
}

export const SET_THE_CLOCK =
  'Set the date, time and time zone right, best by turning on automatic time (Windows: Settings → Time & language; macOS: System Settings → General → Date & Time; Linux: `timedatectl set-ntp true`)';
