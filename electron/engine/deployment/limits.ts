// The deployment file's limits on what a user may set (docs/ARCHITECTURE.md, Contracts: deployment
// file): a change beyond them is refused with the reason, and settings kept from before the limit
// existed are brought within it when read.
import { realpathSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Settings } from '../../common/contract.js';
import { contains } from '../intake/path-contains.js';
import type { DeploymentLimits } from './file.js';

/** A change the deployment file does not allow. */
export class DeploymentLimitError extends Error {
  override readonly name = 'DeploymentLimitError';
  readonly code = 'deployment_limit';
}

/** Refuses a settings change beyond the limits. */
export function checkSettingsChange(patch: Partial<Settings>, limits: DeploymentLimits | undefined): void {
  const max = limits?.maxBandwidthBytesPerSecond;
  if (max === undefined || !('bandwidthLimit' in patch)) return;
  const wanted = patch.bandwidthLimit;
  if (wanted === null || wanted === undefined) {
    throw new DeploymentLimitError(
      `Your organisation limits uploads to ${formatRate(max)}: the bandwidth cannot be unlimited.`,
    );
  }
  if (wanted > max)
    throw new DeploymentLimitError(
      `Your organisation limits uploads to ${formatRate(max)}: ${formatRate(wanted)} is above that.`,
    );
}

/** Settings as they may be used: a stored bandwidth above the maximum (or unlimited) becomes the maximum. */
export function withinLimits(settings: Settings, limits: DeploymentLimits | undefined): Settings {
  const max = limits?.maxBandwidthBytesPerSecond;
  if (max === undefined) return settings;
  const current = settings.bandwidthLimit;
  return current !== null && current <= max ? settings : { ...settings, bandwidthLimit: max };
}

/** Refuses a watched folder outside the home folder when the deployment asks for that. */
export function checkWatchedFolder(
  folder: string,
  limits: DeploymentLimits | undefined,
  home: string = os.homedir(),
): void {
  if (!limits?.watchedFoldersInsideHome) return;
  // Resolved through links: a link inside home to a folder outside it is outside.
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return path.resolve(p);
    }
  };
  if (!contains(real(home), real(folder))) {
    throw new DeploymentLimitError(
      `Your organisation allows watching folders inside your home folder (${home}) only; ${folder} is outside it.`,
    );
  }
}

function formatRate(bytesPerSecond: number): string {
  const units = ['B/s', 'KiB/s', 'MiB/s', 'GiB/s'];
  let value = bytesPerSecond;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1 && value % 1024 === 0) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toLocaleString('en')} ${units[unit]}`;
}
