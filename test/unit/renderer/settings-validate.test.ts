// The settings form's own checks: each value out of range is named with its field's words.
import { describe, expect, it } from 'vitest';
import { validateDraft, type NumberDraft } from '../../../renderer/src/features/settings/validate.js';

const good: NumberDraft = {
  filesInParallel: '4',
  partsInParallel: '4',
  limited: false,
  limitMBps: '10',
  stabilitySeconds: '2',
};

describe('validateDraft', () => {
  it('accepts values in range', () => {
    expect(validateDraft(good)).toEqual({});
    expect(validateDraft({ ...good, limited: true, limitMBps: '0.5', stabilitySeconds: '0' })).toEqual({});
  });

  it('names each field out of range, in words', () => {
    expect(validateDraft({ ...good, filesInParallel: '0', partsInParallel: '2.5', stabilitySeconds: '601' })).toEqual({
      filesInParallel: 'Files uploaded at a time must be a whole number from 1 to 64.',
      partsInParallel: 'Parts of each file at a time must be a whole number from 1 to 64.',
      stabilitySeconds: 'The wait must be from 0 to 600 seconds.',
    });
  });

  it('checks the speed limit only when it is on, and refuses an empty one', () => {
    expect(validateDraft({ ...good, limitMBps: '' })).toEqual({});
    expect(validateDraft({ ...good, limited: true, limitMBps: '' }).limitMBps).toMatch(/speed limit/);
    expect(validateDraft({ ...good, filesInParallel: '' }).filesInParallel).toMatch(/Files uploaded/);
  });
});
