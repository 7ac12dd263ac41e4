// Sign-in: broker URL (preset, editable unless the company pinned it), username, password, or "Sign in with
// your organisation" in the system browser when the broker offers it; errors in plain words; local mode
// shown. A changed server is set first (session.setBroker), then signed in at.
import { useEffect, useId, useState, type FormEvent } from 'react';
import type { Session, SignInMethods } from '../../../../electron/common/contract.js';
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
  const [methods, setMethods] = useState<SignInMethods>();
  const [browserUrl, setBrowserUrl] = useState<string>();
  const errorId = useId();

  useEffect(() => {
    let current = true;
    // An unreachable broker leaves the password form, which then says why when used.
    client.call('session.signInMethods', brokerUrl !== session.brokerUrl ? { brokerUrl } : {}).then(
      (found) => current && setMethods(found),
      () => current && setMethods(undefined),
    );
    return () => {
      current = false;
    };
  }, [client, brokerUrl, session.brokerUrl]);

  // A browser sign-in that ended without a session says why; a new attempt or success clears it.
  useEffect(() => {
    if (session.signInError) {
      setBrowserUrl(undefined);
      setError(session.signInError);
    }
  }, [session.signInError]);

  async function signInWithBrowser() {
    setBusy(true);
    setError(undefined);
    try {
      if (!session.deployment && brokerUrl !== session.brokerUrl)
        store.setSession(await client.call('session.setBroker', { brokerUrl }));
      const started = await client.call('session.signInWithBrowser', {});
      setBrowserUrl(started.url);
      // The desktop app opened the system browser already; in a browser tab, open another tab.
      if (!started.opened) window.open(started.url, '_blank', 'noopener');
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      if (!session.deployment && brokerUrl !== session.brokerUrl)
        store.setSession(await client.call('session.setBroker', { brokerUrl }));
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
          {session.state === 'needs-sign-in'
            ? 'Your session has ended. Sign in again to keep uploading.'
            : 'Sign in to send your files to your organisation’s storage.'}
        </p>
        {session.localMode && (
          <p className="note">Files go to the built-in local cloud on this computer, not to AWS.</p>
        )}

        {methods?.browser && (
          <>
            <button
              type="button"
              className="button button-primary button-wide"
              onClick={signInWithBrowser}
              disabled={busy}
            >
              Sign in with your organisation
            </button>
            {browserUrl && (
              <p className="note" role="status">
                Finish signing in in your browser. If no browser tab opened,{' '}
                <a href={browserUrl} target="_blank" rel="noopener noreferrer">
                  open the sign-in page
                </a>
                .
              </p>
            )}
          </>
        )}

        {(methods?.password ?? true) && (
          <>
            <label className="field">
              <span>Username</span>
              <input
                name="username"
                autoComplete="username"
                value={username}
                onChange={(e) => setUsername(e.target.value)}
                required
                autoFocus
              />
            </label>
            <label className="field">
              <span>Password</span>
              <input
                name="password"
                type="password"
                autoComplete="current-password"
                value={password}
                onChange={(e) => setPassword(e.target.value)}
                required
              />
            </label>
          </>
        )}

        {session.deployment ? (
          <p className="server-line">
            <span className="muted">Organisation</span>{' '}
            <span className="truncate">{session.deployment.name ?? session.brokerUrl}</span>
          </p>
        ) : showServer ? (
          <label className="field">
            <span>Sign-in server</span>
            <input
              name="brokerUrl"
              type="url"
              inputMode="url"
              spellCheck={false}
              value={brokerUrl}
              onChange={(e) => setBrokerUrl(e.target.value)}
            />
          </label>
        ) : (
          <p className="server-line">
            <span className="muted">Server</span>{' '}
            <span className="mono truncate" title={brokerUrl}>
              {brokerUrl}
            </span>{' '}
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

        {(methods?.password ?? true) && (
          <button
            type="submit"
            className={`button ${methods?.browser ? '' : 'button-primary'} button-wide`}
            disabled={busy || !username || !password}
          >
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
        )}
      </form>
    </div>
  );
}
