// Settings for one run (`--bwlimit`, `--transfers`) on top of a real settings file in a temp folder: in
// force for the run, never written, and replaced by a value the user then sets on purpose.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Settings } from '../../../../electron/common/contract.js';
import { withRunSettings } from '../../../../electron/engine/state/run-settings.js';
import { openSettings } from '../../../../electron/engine/state/settings.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'hoist-run-settings-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const onDisk = (): Partial<Settings> =>
  JSON.parse(readFileSync(path.join(dir, 'settings.json'), 'utf8')) as Partial<Settings>;

it('puts the run’s values over the saved ones without writing them', () => {
  openSettings(dir).update({ filesInParallel: 6, bandwidthLimit: 4096 });
  const settings = withRunSettings(openSettings(dir), { bandwidthLimit: 1024 * 1024 });
  expect(settings.get()).toMatchObject({ filesInParallel: 6, bandwidthLimit: 1024 * 1024 });
  settings.update({ partsInParallel: 2 });
  expect(settings.get()).toMatchObject({ partsInParallel: 2, bandwidthLimit: 1024 * 1024 });
  expect(onDisk()).toMatchObject({ partsInParallel: 2, bandwidthLimit: 4096, filesInParallel: 6 });
});

it('gives way, for that setting only, to a value the user sets while the run goes on', () => {
  const settings = withRunSettings(openSettings(dir), { bandwidthLimit: 1024 * 1024, filesInParallel: 2 });
  const seen: Settings[] = [];
  settings.onChange((s) => seen.push(s));
  expect(settings.update({ filesInParallel: 5 })).toMatchObject({ filesInParallel: 5, bandwidthLimit: 1024 * 1024 });
  expect(seen.at(-1)).toMatchObject({ filesInParallel: 5, bandwidthLimit: 1024 * 1024 });
  expect(onDisk()).toMatchObject({ filesInParallel: 5, bandwidthLimit: null });
});

it('keeps the run’s value when a change is refused', () => {
  const settings = withRunSettings(openSettings(dir), { filesInParallel: 2 });
  expect(() => settings.update({ filesInParallel: 0 })).toThrow();
  expect(settings.get().filesInParallel).toBe(2);
});

it('refuses run values the contract does not allow', () => {
  expect(() => withRunSettings(openSettings(dir), { filesInParallel: 0 })).toThrow();
  expect(() => withRunSettings(openSettings(dir), { speed: 3 } as unknown as Partial<Settings>)).toThrow();
});
