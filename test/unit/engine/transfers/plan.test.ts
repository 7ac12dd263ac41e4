import { describe, expect, it } from 'vitest';
import {
  isSinglePut,
  MAX_OBJECT_SIZE,
  MAX_PARTS,
  MAX_PART_SIZE,
  MiB,
  MIN_PART_SIZE,
  partSizeFor,
  planParts,
} from '../../../../electron/engine/transfers/plan.js';

describe('part planning', () => {
  const five = 5 * MiB;
  it.each([
    [0, true, 0],
    [1, true, 1],
    [five - 1, true, 1],
    [five, true, 1],
    [five + 1, false, 2],
    [3 * five, false, 3],
  ])('%i bytes with 5 MiB parts: single=%s, %i part(s)', (size, single, count) => {
    const partSize = partSizeFor(size, five);
    expect(partSize).toBe(five);
    expect(isSinglePut(size, partSize)).toBe(single);
    const parts = planParts(size, partSize);
    expect(parts).toHaveLength(count);
    expect(parts.reduce((s, p) => s + p.size, 0)).toBe(size);
    parts.forEach((p, i) => {
      expect(p.number).toBe(i + 1);
      expect(p.offset).toBe(i * partSize);
    });
  });

  it('never plans parts below 5 MiB (but the last)', () => {
    expect(partSizeFor(100, 1)).toBe(MIN_PART_SIZE);
    expect(partSizeFor(100)).toBe(8 * MiB);
  });

  it('grows the part size so huge files stay within 10,000 parts, in whole MiB', () => {
    for (const size of [80_000 * MiB + 1, 1024 ** 4, 5 * 1024 ** 4 + 12345, MAX_OBJECT_SIZE]) {
      const partSize = partSizeFor(size);
      expect(partSize % MiB).toBe(0);
      expect(partSize).toBeLessThanOrEqual(MAX_PART_SIZE);
      const parts = planParts(size, partSize);
      expect(parts.length).toBeLessThanOrEqual(MAX_PARTS);
      expect(parts.at(-1)!.offset + parts.at(-1)!.size).toBe(size);
    }
  });

  it('refuses objects over 48.8 TiB', () => {
    expect(() => planParts(MAX_OBJECT_SIZE + 1, MAX_PART_SIZE)).toThrow(RangeError);
  });
});
