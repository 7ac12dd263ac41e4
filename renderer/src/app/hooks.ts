// React access to the EngineStore: the connection and one hook per slice of state.
import { createContext, useContext, useSyncExternalStore } from 'react';
import type { EngineClient } from '../../../electron/common/contract.js';
import type { Connection } from '../api/index.js';
import type { EngineStore } from './store.js';

export const StoreContext = createContext<EngineStore | undefined>(undefined);

export function useStore(): EngineStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useStore outside <StoreContext>');
  return store;
}

export const useClient = (): EngineClient => useStore().connection.client;
export const useConnection = (): Connection => useStore().connection;

function useSlice<T>(read: (store: EngineStore) => T): T {
  const store = useStore();
  return useSyncExternalStore(store.subscribe, () => read(store));
}

export const useSession = () => useSlice((s) => s.session);
export const useTotals = () => useSlice((s) => s.totals);
export const useFolders = () => useSlice((s) => s.folders);
export const useTransfers = () => useSlice((s) => s.transfers);
export const useConnectionStatus = () => useSlice((s) => s.status);
