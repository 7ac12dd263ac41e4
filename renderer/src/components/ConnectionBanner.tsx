// Says when the window has lost the engine (headless: the daemon stopped or restarted).
import type { ConnectionStatus } from '../api/index.js';

export function ConnectionBanner({ status }: { status: ConnectionStatus }) {
  if (status === 'open' || status === 'connecting') return null;
  return (
    <div className={`banner banner-${status === 'lost' ? 'error' : 'warn'}`} role="status">
      {status === 'lost'
        ? 'Cannot reach Hoist. If it was restarted, open the new address it printed; this page keeps trying.'
        : 'Reconnecting to Hoist…'}
    </div>
  );
}
