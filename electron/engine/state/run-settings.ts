// Settings for one run only (`hoist upload --bwlimit 1M --transfers 2`): in force while this engine
// runs, never written to the settings file. A setting the user then changes on purpose (the window,
// `hoist config set`) replaces the run's value for that setting: the latest word wins.
import { Settings } from '../../common/contract.js';
import type { SettingsStore } from './settings.js';

export function withRunSettings(store: SettingsStore, runSettings: Partial<Settings>): SettingsStore {
  // Checked like anything else that reaches the engine: a host passing nonsense fails at start.
  let run: Partial<Settings> = Settings.partial().strict().parse(runSettings);
  // Kept merged, not merged on every read: the queue reads the settings before every chunk it sends.
  let current: Settings = { ...store.get(), ...run };
  // Registered first, so every listener added later already sees the merged value.
  store.onChange((saved) => {
    current = { ...saved, ...run };
  });
  return {
    get: () => current,
    update(patch) {
      const before = run;
      run = Object.fromEntries(Object.entries(run).filter(([field]) => !(field in patch)));
      try {
        store.update(patch);
      } catch (error) {
        run = before;
        throw error;
      }
      return current;
    },
    onChange: (listener) => store.onChange(() => listener(current)),
  };
}
