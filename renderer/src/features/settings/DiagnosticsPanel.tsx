// Under Settings: where the logs are and "Save diagnostics…". The desktop app opens the logs folder and
// saves the zip through a native dialog; a browser shows the folder's path to copy and downloads the zip.
import { useEffect, useState } from 'react';
import { messageOf } from '../../api/index.js';
import { useClient, useConnection } from '../../app/hooks.js';

export function DiagnosticsPanel() {
  const client = useClient();
  const { openLogsFolder, saveDiagnostics, drop } = useConnection();
  const [logsFolder, setLogsFolder] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string }>();

  useEffect(() => {
    client.call('diagnostics.info', {}).then(
      (info) => setLogsFolder(info.logsFolder),
      (err: unknown) => setMessage({ kind: 'error', text: messageOf(err) }),
    );
  }, [client]);

  async function save() {
    setBusy(true);
    setMessage(undefined);
    try {
      const zip = await client.call('diagnostics.create', {});
      if (saveDiagnostics) {
        const saved = await saveDiagnostics(zip.name);
        if (saved) setMessage({ kind: 'ok', text: `Saved to ${saved}.` });
      } else {
        // Fetched with the page's token (a plain link could not carry it), then saved from memory.
        const token = drop.kind === 'stage' ? drop.token : '';
        const answer = await fetch(`/api/diagnostics/${encodeURIComponent(zip.name)}`, {
          headers: { Authorization: `Bearer ${token}` },
        });
        if (!answer.ok) throw new Error(`The diagnostics file could not be downloaded (HTTP ${answer.status}).`);
        const href = URL.createObjectURL(await answer.blob());
        const link = document.createElement('a');
        link.href = href;
        link.download = zip.name;
        link.click();
        setTimeout(() => URL.revokeObjectURL(href), 60_000);
        setMessage({ kind: 'ok', text: `Downloading ${zip.name}.` });
      }
    } catch (err) {
      setMessage({ kind: 'error', text: messageOf(err) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="settings card diagnostics" aria-labelledby="diagnostics-title">
      <h2 id="diagnostics-title" className="section-title">
        Troubleshooting
      </h2>
      <p className="muted">
        Hoist keeps its recent logs (never a password or token). A diagnostics file holds them with the versions,
        settings and transfer counts, for whoever helps you.
      </p>
      {openLogsFolder ? null : (
        <label className="field">
          <span>Logs folder</span>
          <input type="text" className="mono" readOnly value={logsFolder ?? ''} onFocus={(e) => e.target.select()} />
        </label>
      )}
      <div className="settings-footer">
        {message && (
          <span
            className={message.kind === 'error' ? 'form-error' : 'saved'}
            role={message.kind === 'error' ? 'alert' : 'status'}
          >
            {message.text}
          </span>
        )}
        {openLogsFolder && (
          <button type="button" className="button" onClick={openLogsFolder}>
            Open logs folder
          </button>
        )}
        <button type="button" className="button" disabled={busy} onClick={() => void save()}>
          Save diagnostics…
        </button>
      </div>
    </section>
  );
}
