// The crash soak (test/soak/run.ts) with 20 SIGKILLs of `hoist upload` at random moments; `npm run soak`
// runs the long version (100 kills, bigger tree, the network down for 30 s in the last run).
import { describe, expect, it } from 'vitest';
import { MiB } from './rig.js';
import { runCrashSoak } from '../../soak/run.js';

describe('crash soak', () => {
  it('survives 20 kill -9 of `hoist upload`: every file once and intact, no journaled upload left open, no journaled part re-sent', async () => {
    const lines: string[] = [];
    const result = await runCrashSoak({
      kills: 20,
      large: [17 * MiB + 3, 11 * MiB, 6 * MiB + 1],
      small: 24,
      bandwidthLimit: 8 * MiB,
      log: (l) => lines.push(l),
    });
    const story = lines.join('\n');
    expect(result.finalExitCode, `${story}\n${result.finalStderr}`).toBe(0);
    expect(result.bucketKeys, story).toEqual(result.expectedKeys);
    expect(result.mismatched, story).toEqual([]);
    expect(result.openUploads, story).toEqual([]);
    expect(result.resentJournaledParts, story).toEqual([]);
    // the kills really landed while work was in progress
    expect(result.kills.filter((k) => !k.exitedBeforeKill).length, story).toBeGreaterThan(10);
    expect(
      result.kills.some((k) => k.journaledParts > 0),
      story,
    ).toBe(true);
  }, 300_000);
});
