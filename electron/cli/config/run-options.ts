// `--bwlimit SIZE` and `--transfers N` on `upload` and `sync`: settings for that run only, spelled as in
// rclone and checked like `hoist config set` checks them (a bad value exits 2 before anything starts).
import type { Option } from 'commander';
import type { Settings } from '../../common/contract.js';
import { findSettingKey, parseSettingValue } from './keys.js';
import { runLimitFlags } from './run-limit-flags.js';

export interface RunLimitOptions {
  bwlimit?: number | null;
  transfers?: number;
}

const bandwidth = findSettingKey('bandwidth-limit');
const files = findSettingKey('parallel-files');

export function runLimitOptions(): Option[] {
  return runLimitFlags({
    bwlimit: (text) => parseSettingValue(bandwidth, text, '--bwlimit') as number | null,
    transfers: (text) => parseSettingValue(files, text, '--transfers') as number,
  });
}

/** The settings the options change for this run; nothing when neither was given. */
export function runSettingsOf(options: RunLimitOptions): Partial<Settings> {
  return {
    ...(options.bwlimit !== undefined ? { bandwidthLimit: options.bwlimit } : {}),
    ...(options.transfers !== undefined ? { filesInParallel: options.transfers } : {}),
  };
}

/** One line for the terminal: the limits this run uses. */
export function describeRunLimits(settings: Pick<Settings, 'bandwidthLimit' | 'filesInParallel'>): string {
  const speed =
    settings.bandwidthLimit === null
      ? 'no bandwidth limit'
      : `at most ${bandwidth.format(settings.bandwidthLimit)} per second`;
  return `For this run: ${settings.filesInParallel} file${settings.filesInParallel === 1 ? '' : 's'} at a time, ${speed} (not saved; \`hoist config\` changes the saved settings).`;
}
