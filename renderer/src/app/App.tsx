// The app: connects once, then shows sign-in or the main window depending on the session.
import { useEffect, useState } from 'react';
import { connect } from '../api/index.js';
import { SignIn } from '../features/signin/SignIn.js';
import { ConnectionBanner } from '../components/ConnectionBanner.js';
import { ActionErrorToasts } from '../components/ActionErrorToasts.js';
import { StoreContext, useConnectionStatus, useSession, useStore } from './hooks.js';
import { Shell } from './Shell.js';
import { EngineStore } from './store.js';

export function App() {
  const [store, setStore] = useState<EngineStore>();
  useEffect(() => {
    const created = new EngineStore(connect());
    setStore(created);
    return () => created.dispose();
  }, []);
  if (!store) return null;
  return (
    <StoreContext.Provider value={store}>
      <Screens />
    </StoreContext.Provider>
  );
}

function Screens() {
  const session = useSession();
  const status = useConnectionStatus();
  const { errors } = useStore();
  return (
    <>
      <ConnectionBanner status={status} />
      <ActionErrorToasts errors={errors} />
      {session === undefined ? (
        <div className="splash" aria-busy="true">
          <h1 className="brand-large">Hoist</h1>
          <p className="muted">Connecting…</p>
        </div>
      ) : session.state === 'signed-in' || session.state === 'waiting-network' ? (
        <Shell session={session} />
      ) : (
        <SignIn session={session} />
      )}
    </>
  );
}
