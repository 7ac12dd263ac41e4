// The header: brand, overall progress, speed and time left, Pause all / Resume all, and the account.
import type { Session } from '../../../../electron/common/contract.js';
import { useAction, useClient, useStore, useTotals } from '../../app/hooks.js';
import { Badge } from '../../components/Badge.js';
import { Icon } from '../../components/Icon.js';
import { ProgressBar } from '../../components/ProgressBar.js';
import { formatBytes, formatEta, formatRate } from '../../components/format.js';

export function TotalsHeader({ session }: { session: Session }) {
  const totals = useTotals();
  const client = useClient();
  const store = useStore();
  const run = useAction();
  const busy = totals ? totals.active + totals.queued > 0 : false;

  const summary = !totals
    ? ''
    : totals.pausedAll
      ? 'All transfers paused'
      : busy
        ? `${totals.active.toLocaleString()} uploading · ${totals.queued.toLocaleString()} queued`
        : 'Everything is up to date';

  return (
    <header className="topbar">
      <div className="topbar-brand">
        <span className="logo" aria-hidden="true">
          <Icon name="upload" size={18} />
        </span>
        <h1 className="brand">Hoist</h1>
        {session.localMode && <Badge tone="accent">Local mode</Badge>}
        {session.state === 'waiting-network' && <Badge tone="warn">Offline</Badge>}
      </div>

      <section className="topbar-totals" aria-label="Overall progress">
        <div className="totals-line">
          <span className="totals-summary">{summary}</span>
          {totals && totals.failed > 0 && <Badge tone="danger">{totals.failed.toLocaleString()} failed</Badge>}
        </div>
        <ProgressBar
          value={totals?.bytesDone ?? 0}
          max={totals?.bytesTotal ?? 0}
          label="Overall progress"
          tone={totals?.pausedAll ? 'paused' : 'accent'}
        />
        <dl className="totals-numbers">
          <div>
            <dt>Sent</dt>
            <dd>
              {totals && totals.bytesTotal > 0
                ? `${formatBytes(totals.bytesDone)} of ${formatBytes(totals.bytesTotal)}`
                : '—'}
            </dd>
          </div>
          <div>
            <dt>Speed</dt>
            <dd>{busy && !totals?.pausedAll ? formatRate(totals?.rate ?? 0) : '—'}</dd>
          </div>
          <div>
            <dt>Time left</dt>
            <dd>{busy ? formatEta(totals?.etaSeconds) : '—'}</dd>
          </div>
        </dl>
      </section>

      <div className="topbar-actions">
        {/* One button whose label changes, so keyboard focus stays on it after a press. */}
        <button
          type="button"
          className={`button${totals?.pausedAll ? ' button-primary' : ''}`}
          onClick={() =>
            totals?.pausedAll
              ? run('Could not resume all transfers', () => client.call('transfers.resumeAll', {}))
              : run('Could not pause all transfers', () => client.call('transfers.pauseAll', {}))
          }
        >
          <Icon name={totals?.pausedAll ? 'play' : 'pause'} /> {totals?.pausedAll ? 'Resume all' : 'Pause all'}
        </button>
        <div className="account">
          <span className="account-name" title={session.username}>
            {session.username ?? 'Signed in'}
          </span>
          <button
            type="button"
            className="link-button"
            onClick={() =>
              run('Could not sign out', () => client.call('session.signOut', {}).then((s) => store.setSession(s)))
            }
          >
            Sign out
          </button>
        </div>
      </div>
    </header>
  );
}
