// User settings: a small JSON file in the data folder (nothing secret lives here), validated on
// read so a hand-edited or damaged file falls back to defaults instead of stopping the app.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Settings } from '../../common/contract.js';
import { checkSettingsChange, withinLimits } from '../deployment/limits.js';
import type { DeploymentLimits } from '../deployment/file.js';
import { writeFileAtomic } from '../platform/atomic-file.js';

export const defaultSettings: Settings = {
  filesInParallel: 4,
  partsInParallel: 4,
  bandwidthLimit: null,
  stabilityWindowMs: 2_000,
  ignorePatterns: [],
  startAtLogin: false,
  proxyUrl: null,
  caFile: null,
  notifications: true,
};

export interface SettingsStore {
  get(): Settings;
  update(patch: Partial<Settings>): Settings;
  onChange(listener: (settings: Settings) => void): () => void;
}

/** `limits`: the deployment file's, enforced on every change and on what was stored before. */
export function openSettings(dataDir: string, limits?: DeploymentLimits): SettingsStore {
  const file = path.join(dataDir, 'settings.json');
  let current = withinLimits(load(file), limits);
  const listeners = new Set<(settings: Settings) => void>();
  return {
    get: () => current,
    update(patch) {
      checkSettingsChange(patch, limits);
      const next = Settings.parse({ ...current, ...patch });
      writeFileAtomic(file, `${JSON.stringify(next, null, 2)}\n`);
      current = next;
      for (const listener of listeners) listener(current);
      return current;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

function load(file: string): Settings {
  try {
    const parsed = Settings.partial().safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return { ...defaultSettings, ...(parsed.success ? parsed.data : {}) };
  } catch {
    return { ...defaultSettings };
  }
}
