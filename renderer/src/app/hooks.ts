// React access to the EngineStore: the connection and one hook per slice of state.
import { createContext, useContext, useSyncExternalStore } from 'react';
import type { EngineClient } from '../../../electron/common/contract.js';
import type { Connection } from '../api/index.js';
import type { ActionErrors } from './actionErrors.js';
import type { EngineStore } from './store.js';

export const StoreContext = createContext<EngineStore | undefined>(undefined);

export function useStore(): EngineStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useStore outside <StoreContext>');
  return store;
}

export const useClient = (): EngineClient => useStore().connection.client;
export const useConnection = (): Connection => useStore().connection;

/**
 * Runs a user action; if it fails, the user is told (components/ActionErrorToasts.tsx) instead of the
 * error only reaching a log: `run('Could not pause report.pdf', () => client.call(...))`.
 */
export const useAction = (): ActionErrors['run'] => useStore().errors.run;

function useSlice<T>(read: (store: EngineStore) => T): T {
  const store = useStore();
  return useSyncExternalStore(store.subscribe, () => read(store));
}

export const useSession = () => useSlice((s) => s.session);
export const useTotals = () => useSlice((s) => s.totals);
export const useFolders = () => useSlice((s) => s.folders);
export const useTransfers = () => useSlice((s) => s.transfers);
export const useConnectionStatus = () => useSlice((s) => s.status);
