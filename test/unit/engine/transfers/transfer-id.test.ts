import { describe, expect, it } from 'vitest';
import { newTransferId } from '../../../../electron/engine/transfers/transfer-id.js';

describe('transfer ids', () => {
  it('are version 7 UUIDs', () => {
    expect(newTransferId()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('sort in the order they were made, within one millisecond and past 4,096 of them', () => {
    const ids = Array.from({ length: 10_000 }, () => newTransferId(1_800_000_000_000));
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });

  it('keep growing when the clock goes back', () => {
    const later = newTransferId(1_900_000_000_000);
    const earlierClock = newTransferId(1_700_000_000_000);
    expect(earlierClock > later).toBe(true);
  });
});
