// Sign-in: broker URL (preset, editable unless the company pinned it), username, password; errors in
// plain words; local mode shown. A changed server is set first (session.setBroker), then signed in at.
import { useId, useState, type FormEvent } from 'react';
import type { Session } from '../../../../electron/common/contract.js';
import { messageOf } from '../../api/index.js';
import { useClient, useStore } from '../../app/hooks.js';
import { Badge } from '../../components/Badge.js';

export function SignIn({ session }: { session: Session }) {
  const client = useClient();
  const store = useStore();
  const [brokerUrl, setBrokerUrl] = useState(session.brokerUrl);
  const [username, setUsername] = useState(session.username ?? '');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [showServer, setShowServer] = useState(false);
  const errorId = useId();

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      if (!session.deployment && brokerUrl !== session.brokerUrl) store.setSession(await client.call('session.setBroker', { brokerUrl }));
      const next = await client.call('session.signIn', { username, password });
      setPassword('');
      store.setSession(next);
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="signin-page">
      <form className="card signin-card" onSubmit={submit} aria-describedby={error ? errorId : undefined} noValidate>
        <div className="signin-heading">
          <h1 className="brand-large">Hoist</h1>
          {session.localMode && <Badge tone="accent">Local mode</Badge>}
        </div>
        <p className="muted signin-lead">
          {session.state === 'needs-sign-in' ? 'Your session has ended. Sign in again to keep uploading.' : 'Sign in to send your files to your organisation’s storage.'}
        </p>
        {session.localMode && <p className="note">Files go to the built-in local cloud on this computer, not to AWS.</p>}

        <label className="field">
          <span>Username</span>
          <input name="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} required autoFocus />
        </label>
        <label className="field">
          <span>Password</span>
          <input name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
        </label>

        {session.deployment ? (
          <p className="server-line">
            <span className="muted">Organisation</span> <span className="truncate">{session.deployment.name ?? session.brokerUrl}</span>
          </p>
        ) : showServer ? (
          <label className="field">
            <span>Sign-in server</span>
            <input name="brokerUrl" type="url" inputMode="url" spellCheck={false} value={brokerUrl} onChange={(e) => setBrokerUrl(e.target.value)} />
          </label>
        ) : (
          <p className="server-line">
            <span className="muted">Server</span> <span className="mono truncate" title={brokerUrl}>{brokerUrl}</span>{' '}
            <button type="button" className="link-button" onClick={() => setShowServer(true)}>
              Change
            </button>
          </p>
        )}

        {error && (
          <p className="form-error" role="alert" id={errorId}>
            {error}
          </p>
        )}
        {session.notice && <p className="note">{session.notice}</p>}

        <button type="submit" className="button button-primary button-wide" disabled={busy || !username || !password}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </div>
  );
}
