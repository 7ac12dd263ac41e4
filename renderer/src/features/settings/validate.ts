// The settings form's own checks, in words that name the field: the browser's bubbles are not in the
// page (screen readers and axe cannot see them), and the engine's schema speaks in types.
export interface NumberDraft {
  filesInParallel: string;
  partsInParallel: string;
  limited: boolean;
  limitMBps: string;
  stabilitySeconds: string;
}

export type DraftErrors = Partial<
  Record<'filesInParallel' | 'partsInParallel' | 'limitMBps' | 'stabilitySeconds', string>
>;

const isWhole = (text: string, min: number, max: number) =>
  /^\d+$/.test(text.trim()) && Number(text) >= min && Number(text) <= max;
const isNumber = (text: string, min: number, max: number) =>
  text.trim() !== '' && Number.isFinite(Number(text)) && Number(text) >= min && Number(text) <= max;

export function validateDraft(d: NumberDraft): DraftErrors {
  const errors: DraftErrors = {};
  if (!isWhole(d.filesInParallel, 1, 64))
    errors.filesInParallel = 'Files uploaded at a time must be a whole number from 1 to 64.';
  if (!isWhole(d.partsInParallel, 1, 64))
    errors.partsInParallel = 'Parts of each file at a time must be a whole number from 1 to 64.';
  if (d.limited && !isNumber(d.limitMBps, 0.01, 100_000))
    errors.limitMBps = 'The speed limit must be a number of MB/s from 0.01 up.';
  if (!isNumber(d.stabilitySeconds, 0, 600)) errors.stabilitySeconds = 'The wait must be from 0 to 600 seconds.';
  return errors;
}
