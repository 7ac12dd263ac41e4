// The Settings tab: the contract's Settings as a form; only changed fields are sent. Values out of range
// are named under their field (and the first one focused) before anything is sent.
import { useEffect, useState, type FormEvent } from 'react';
import type { Settings } from '../../../../electron/common/contract.js';
import { messageOf } from '../../api/index.js';
import { useClient, useConnection } from '../../app/hooks.js';
import { NumberField } from './NumberField.js';
import { validateDraft, type DraftErrors } from './validate.js';

/** The form's own state: numbers as typed, the limit in MB/s, patterns one per line. */
interface Draft {
  filesInParallel: string;
  partsInParallel: string;
  limited: boolean;
  limitMBps: string;
  stabilitySeconds: string;
  ignorePatterns: string;
  startAtLogin: boolean;
}

const toDraft = (s: Settings): Draft => ({
  filesInParallel: String(s.filesInParallel),
  partsInParallel: String(s.partsInParallel),
  limited: s.bandwidthLimit !== null,
  limitMBps: s.bandwidthLimit === null ? '10' : String(Math.round((s.bandwidthLimit / 1e6) * 100) / 100),
  stabilitySeconds: String(s.stabilityWindowMs / 1000),
  ignorePatterns: s.ignorePatterns.join('\n'),
  startAtLogin: s.startAtLogin,
});

function fromDraft(d: Draft): Settings {
  return {
    filesInParallel: Number(d.filesInParallel),
    partsInParallel: Number(d.partsInParallel),
    bandwidthLimit: d.limited ? Math.max(1024, Math.round(Number(d.limitMBps) * 1e6)) : null,
    stabilityWindowMs: Math.round(Number(d.stabilitySeconds) * 1000),
    ignorePatterns: d.ignorePatterns.split('\n').map((l) => l.trim()).filter(Boolean),
    startAtLogin: d.startAtLogin,
  };
}

function changes(before: Settings, after: Settings): Partial<Settings> {
  const out: Partial<Settings> = {};
  for (const key of Object.keys(after) as (keyof Settings)[]) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) (out as Record<string, unknown>)[key] = after[key];
  }
  return out;
}

export function SettingsView() {
  const client = useClient();
  const { desktop } = useConnection();
  const [saved, setSaved] = useState<Settings>();
  const [draft, setDraft] = useState<Draft>();
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string }>();
  const [errors, setErrors] = useState<DraftErrors>({});

  useEffect(() => {
    client.call('settings.get', {}).then(
      (s) => {
        setSaved(s);
        setDraft(toDraft(s));
      },
      (err: unknown) => setMessage({ kind: 'error', text: messageOf(err) }),
    );
  }, [client]);

  if (!saved || !draft) return <p className="muted">{message?.text ?? 'Loading settings…'}</p>;
  const set = (patch: Partial<Draft>) => {
    setDraft({ ...draft, ...patch });
    setMessage(undefined);
    // A field's error goes once it is edited; the others stay until the next Save.
    setErrors((shown) => Object.fromEntries(Object.entries(shown).filter(([key]) => !(key in patch))));
  };
  const diff = changes(saved, fromDraft(draft));

  async function save(event: FormEvent) {
    event.preventDefault();
    const found = validateDraft(draft!);
    setErrors(found);
    const firstBad = Object.keys(found)[0];
    if (firstBad) {
      (event.currentTarget as HTMLFormElement).querySelector<HTMLInputElement>(`[name="${firstBad}"]`)?.focus();
      return;
    }
    try {
      const next = await client.call('settings.update', diff);
      setSaved(next);
      setDraft(toDraft(next));
      setMessage({ kind: 'ok', text: 'Saved.' });
    } catch (err) {
      setMessage({ kind: 'error', text: messageOf(err) });
    }
  }

  return (
    <form className="settings card" onSubmit={save} noValidate>
      <fieldset>
        <legend>Speed</legend>
        <NumberField label="Files uploaded at a time" unit="files" min={1} max={64} name="filesInParallel" error={errors.filesInParallel} value={draft.filesInParallel} onChange={(v) => set({ filesInParallel: v })} />
        <NumberField label="Parts of each file at a time" unit="parts" min={1} max={64} name="partsInParallel" error={errors.partsInParallel} value={draft.partsInParallel} onChange={(v) => set({ partsInParallel: v })} />
        <div className="setting">
          <label className="check">
            <input type="checkbox" checked={draft.limited} onChange={(e) => set({ limited: e.target.checked })} />
            <span>Limit upload speed to</span>
          </label>
          <NumberField label="Speed limit" hideLabel unit="MB/s" min={0.01} step={0.1} name="limitMBps" error={errors.limitMBps} value={draft.limitMBps} disabled={!draft.limited} onChange={(v) => set({ limitMBps: v })} />
        </div>
      </fieldset>
      <fieldset>
        <legend>Folders</legend>
        <NumberField
          label="Wait until a file stops changing for"
          unit="seconds"
          min={0}
          max={600}
          step={0.5}
          name="stabilitySeconds"
          error={errors.stabilitySeconds}
          value={draft.stabilitySeconds}
          onChange={(v) => set({ stabilitySeconds: v })}
          hint="Files still being written are never uploaded half-way."
        />
        <label className="field">
          <span>Ignore files matching</span>
          <textarea rows={4} className="mono" spellCheck={false} value={draft.ignorePatterns} onChange={(e) => set({ ignorePatterns: e.target.value })} placeholder={'*.tmp\n.DS_Store'} />
          <small className="muted">One pattern per line, as in .gitignore.</small>
        </label>
      </fieldset>
      <fieldset>
        <legend>System</legend>
        <label className="check">
          <input type="checkbox" checked={draft.startAtLogin} disabled={!desktop} onChange={(e) => set({ startAtLogin: e.target.checked })} />
          <span>Start Hoist when I log in</span>
        </label>
        {!desktop && <small className="muted">Only the desktop app can start at login.</small>}
      </fieldset>
      <div className="settings-footer">
        {message && (
          <span className={message.kind === 'error' ? 'form-error' : 'saved'} role={message.kind === 'error' ? 'alert' : 'status'}>
            {message.text}
          </span>
        )}
        <button
          type="button"
          className="button"
          disabled={Object.keys(diff).length === 0}
          onClick={() => {
            set(toDraft(saved));
            setErrors({});
          }}
        >
          Revert
        </button>
        <button type="submit" className="button button-primary" disabled={Object.keys(diff).length === 0}>
          Save
        </button>
      </div>
    </form>
  );
}
