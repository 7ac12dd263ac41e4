// The deployment file's limits where settings change (the real settings store on a temp folder) and
// where folders are added (real folders and a real link).
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkWatchedFolder, DeploymentLimitError } from '../../../../electron/engine/deployment/limits.js';
import { openSettings } from '../../../../electron/engine/state/settings.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'hoist-limits-unit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const MiB = 1024 * 1024;

describe('a maximum bandwidth', () => {
  const limits = { maxBandwidthBytesPerSecond: 10 * MiB };

  it('refuses a higher or unlimited bandwidth with the reason, and keeps the setting', () => {
    const data = mkdtempSync(path.join(dir, 'bw-'));
    const settings = openSettings(data, limits);
    expect(() => settings.update({ bandwidthLimit: 20 * MiB })).toThrow(
      'Your organisation limits uploads to 10 MiB/s: 20 MiB/s is above that.',
    );
    expect(() => settings.update({ bandwidthLimit: null })).toThrow(
      'Your organisation limits uploads to 10 MiB/s: the bandwidth cannot be unlimited.',
    );
    expect(() => settings.update({ bandwidthLimit: null })).toThrow(DeploymentLimitError);
    expect(settings.get().bandwidthLimit).toBe(10 * MiB);
    expect(settings.update({ bandwidthLimit: 5 * MiB }).bandwidthLimit).toBe(5 * MiB);
    expect(settings.update({ filesInParallel: 2 }).filesInParallel).toBe(2); // other settings are untouched by the limit
  });

  it('brings a stored setting from before the limit within it', () => {
    const data = mkdtempSync(path.join(dir, 'stored-'));
    writeFileSync(path.join(data, 'settings.json'), JSON.stringify({ bandwidthLimit: 100 * MiB }));
    expect(openSettings(data, limits).get().bandwidthLimit).toBe(10 * MiB);
    expect(openSettings(data).get().bandwidthLimit).toBe(100 * MiB);
  });
});

describe('watched folders inside home', () => {
  const home = path.join(dir, 'home');
  const inside = path.join(home, 'Documents');
  const outside = path.join(dir, 'elsewhere');
  mkdirSync(inside, { recursive: true });
  mkdirSync(outside, { recursive: true });
  const limits = { watchedFoldersInsideHome: true };

  it('accepts home and folders in it', () => {
    expect(() => checkWatchedFolder(inside, limits, home)).not.toThrow();
    expect(() => checkWatchedFolder(home, limits, home)).not.toThrow();
  });

  it('refuses a folder outside home, also through a link inside home', () => {
    expect(() => checkWatchedFolder(outside, limits, home)).toThrow(
      `Your organisation allows watching folders inside your home folder (${home}) only; ${outside} is outside it.`,
    );
    const link = path.join(home, 'link-out');
    symlinkSync(outside, link);
    expect(() => checkWatchedFolder(link, limits, home)).toThrow(DeploymentLimitError);
  });

  it('allows anything when not asked', () => {
    expect(() => checkWatchedFolder(outside, {}, home)).not.toThrow();
    expect(() => checkWatchedFolder(outside, undefined, home)).not.toThrow();
  });
});
