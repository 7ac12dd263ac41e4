// The Help tab: "Check setup" runs the same checks as `hoist doctor` (the engine's diagnostics.check) and
// lists one line per check with what to do. Read-only: running it changes nothing.
import { useState } from 'react';
import type { DiagnosticCheck } from '../../../../electron/common/contract.js';
import { messageOf } from '../../api/index.js';
import { useClient } from '../../app/hooks.js';
import { Badge } from '../../components/Badge.js';

const tone = { ok: 'success', warning: 'warn', problem: 'danger', skipped: 'neutral' } as const;
const label = { ok: 'OK', warning: 'Warning', problem: 'Problem', skipped: 'Not checked' } as const;

export function HelpView() {
  const client = useClient();
  const [checks, setChecks] = useState<DiagnosticCheck[] | undefined>();
  const [running, setRunning] = useState(false);
  const [failure, setFailure] = useState<string | undefined>();

  const check = async () => {
    setRunning(true);
    setFailure(undefined);
    try {
      setChecks((await client.call('diagnostics.check', {})).checks);
    } catch (error) {
      setFailure(`The check could not run: ${messageOf(error)}`);
    } finally {
      setRunning(false);
    }
  };

  const problems = checks?.filter((c) => c.status === 'problem').length ?? 0;
  return (
    <section className="help card" aria-labelledby="check-setup-title">
      <h2 id="check-setup-title" className="section-title">
        Check setup
      </h2>
      <p className="muted">
        Checks the keychain, the sign-in service, this computer&rsquo;s clock against S3, Hoist&rsquo;s database and
        data folder, the folder watcher, and the proxy and certificates in use. It changes nothing.
      </p>
      <button type="button" className="button button-primary" onClick={() => void check()} disabled={running}>
        {running ? 'Checking…' : checks ? 'Check again' : 'Check setup'}
      </button>
      <div role="status" aria-live="polite" className="help-summary">
        {failure ??
          (checks && !running
            ? problems > 0
              ? `${problems} problem${problems === 1 ? '' : 's'} found.`
              : 'No problems found.'
            : '')}
      </div>
      {checks && (
        <ul className="checks" aria-label="Setup checks">
          {checks.map((c) => (
            <li key={c.id} className={`check-line check-${c.status}`}>
              <Badge tone={tone[c.status]}>{label[c.status]}</Badge>
              <div>
                <strong>{c.name}</strong>
                <p>{c.detail}</p>
                {c.fix && c.status !== 'ok' && <p className="check-fix">What to do: {c.fix}</p>}
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
