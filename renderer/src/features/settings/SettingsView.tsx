// The Settings tab: the contract's Settings as a form; only changed fields are sent. Values out of range
// are named under their field (and the first one focused) before anything is sent.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { Settings } from '../../../../electron/common/contract.js';
import { messageOf } from '../../api/index.js';
import { useClient, useConnection } from '../../app/hooks.js';
import { NumberField } from './NumberField.js';
import { TextField } from './TextField.js';
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
  notifications: boolean;
  proxyUrl: string;
  proxyPassword: string;
  caFile: string;
}

const toDraft = (s: Settings): Draft => ({
  filesInParallel: String(s.filesInParallel),
  partsInParallel: String(s.partsInParallel),
  limited: s.bandwidthLimit !== null,
  limitMBps: s.bandwidthLimit === null ? '10' : String(Math.round((s.bandwidthLimit / 1e6) * 100) / 100),
  stabilitySeconds: String(s.stabilityWindowMs / 1000),
  ignorePatterns: s.ignorePatterns.join('\n'),
  startAtLogin: s.startAtLogin,
  notifications: s.notifications,
  proxyUrl: s.proxyUrl ?? '',
  proxyPassword: '',
  caFile: s.caFile ?? '',
});

function fromDraft(d: Draft): Settings {
  return {
    filesInParallel: Number(d.filesInParallel),
    partsInParallel: Number(d.partsInParallel),
    bandwidthLimit: d.limited ? Math.max(1024, Math.round(Number(d.limitMBps) * 1e6)) : null,
    stabilityWindowMs: Math.round(Number(d.stabilitySeconds) * 1000),
    ignorePatterns: d.ignorePatterns
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean),
    startAtLogin: d.startAtLogin,
    notifications: d.notifications,
    proxyUrl: d.proxyUrl.trim() || null,
    caFile: d.caFile.trim() || null,
  };
}

function changes(before: Settings, after: Settings): Partial<Settings> {
  const out: Partial<Settings> = {};
  for (const key of Object.keys(after) as (keyof Settings)[]) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) (out as Record<string, unknown>)[key] = after[key];
  }
  return out;
}

/** The new settings as a draft, except the fields the user has changed from what was saved. */
function keepEdits(draft: Draft, before: Draft, after: Draft): Draft {
  const out = { ...after } as Record<keyof Draft, unknown>;
  for (const key of Object.keys(draft) as (keyof Draft)[]) if (draft[key] !== before[key]) out[key] = draft[key];
  return out as unknown as Draft;
}

export function SettingsView() {
  const client = useClient();
  const { desktop } = useConnection();
  const [saved, setSaved] = useState<Settings>();
  const [draft, setDraft] = useState<Draft>();
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string }>();
  /** What the settings-changed listener compares the draft with (the state of the last render may lag). */
  const savedRef = useRef<Settings>(undefined);
  const [errors, setErrors] = useState<DraftErrors>({});

  useEffect(() => {
    // Settings changed elsewhere (another window, `hoist` on the command line) show at once; fields
    // the user is editing here keep what they typed.
    const apply = (next: Settings) => {
      const before = savedRef.current;
      savedRef.current = next;
      setSaved(next);
      setDraft((draft) => (!before || !draft ? toDraft(next) : keepEdits(draft, toDraft(before), toDraft(next))));
    };
    const stop = client.on('settings.changed', apply);
    client.call('settings.get', {}).then(apply, (err: unknown) => setMessage({ kind: 'error', text: messageOf(err) }));
    return stop;
  }, [client]);

  if (!saved || !draft) return <p className="muted">{message?.text ?? 'Loading settings…'}</p>;
  const set = (patch: Partial<Draft>) => {
    setDraft({ ...draft, ...patch });
    setMessage(undefined);
    // A field's error goes once it is edited; the others stay until the next Save.
    setErrors((shown) => Object.fromEntries(Object.entries(shown).filter(([key]) => !(key in patch))));
  };
  // The password is write-only: sent when typed, kept in the keychain, never read back.
  const diff: Partial<Settings> & { proxyPassword?: string } = changes(saved, fromDraft(draft));
  if (draft.proxyPassword !== '') diff.proxyPassword = draft.proxyPassword;

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
      savedRef.current = next;
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
        <NumberField
          label="Files uploaded at a time"
          unit="files"
          min={1}
          max={64}
          name="filesInParallel"
          error={errors.filesInParallel}
          value={draft.filesInParallel}
          onChange={(v) => set({ filesInParallel: v })}
        />
        <NumberField
          label="Parts of each file at a time"
          unit="parts"
          min={1}
          max={64}
          name="partsInParallel"
          error={errors.partsInParallel}
          value={draft.partsInParallel}
          onChange={(v) => set({ partsInParallel: v })}
        />
        <div className="setting">
          <label className="check">
            <input type="checkbox" checked={draft.limited} onChange={(e) => set({ limited: e.target.checked })} />
            <span>Limit upload speed to</span>
          </label>
          <NumberField
            label="Speed limit"
            hideLabel
            unit="MB/s"
            min={0.01}
            step={0.1}
            name="limitMBps"
            error={errors.limitMBps}
            value={draft.limitMBps}
            disabled={!draft.limited}
            onChange={(v) => set({ limitMBps: v })}
          />
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
          <textarea
            rows={4}
            className="mono"
            spellCheck={false}
            value={draft.ignorePatterns}
            onChange={(e) => set({ ignorePatterns: e.target.value })}
            placeholder={'*.tmp\n.DS_Store'}
          />
          <small className="muted">One pattern per line, as in .gitignore.</small>
        </label>
      </fieldset>
      <fieldset>
        <legend>Network</legend>
        <TextField
          label="Proxy"
          type="url"
          className="mono"
          spellCheck={false}
          value={draft.proxyUrl}
          onChange={(v) => set({ proxyUrl: v })}
          placeholder="http://proxy.example.com:3128"
          hint="Leave empty to use the system's proxy settings or HTTPS_PROXY."
        />
        <TextField
          label="Proxy password"
          type="password"
          autoComplete="off"
          value={draft.proxyPassword}
          disabled={draft.proxyUrl.trim() === ''}
          onChange={(v) => set({ proxyPassword: v })}
          placeholder="unchanged"
          hint="Put the user name in the proxy address (http://name@host:port); the password is kept in the keychain."
        />
        <TextField
          label="Extra certificate authorities (PEM file)"
          type="text"
          className="mono"
          spellCheck={false}
          value={draft.caFile}
          onChange={(v) => set({ caFile: v })}
          placeholder="/etc/company/ca-bundle.pem"
          hint="Added to the authorities Hoist trusts anyway, for a company proxy or server."
        />
      </fieldset>
      <fieldset>
        <legend>System</legend>
        <label className="check">
          <input
            type="checkbox"
            checked={draft.startAtLogin}
            disabled={!desktop}
            onChange={(e) => set({ startAtLogin: e.target.checked })}
          />
          <span>Start Hoist when I log in</span>
        </label>
        {!desktop && <small className="muted">Only the desktop app can start at login.</small>}
        <label className="check">
          <input
            type="checkbox"
            checked={draft.notifications}
            onChange={(e) => set({ notifications: e.target.checked })}
          />
          <span>Notify me when uploads finish or need me</span>
        </label>
        <small className="muted">
          One notification per finished batch, and when you need to sign in again, a folder is unavailable or a file
          cannot be uploaded{desktop ? '' : ' (shown by the desktop app)'}.
        </small>
      </fieldset>
      <div className="settings-footer">
        {message && (
          <span
            className={message.kind === 'error' ? 'form-error' : 'saved'}
            role={message.kind === 'error' ? 'alert' : 'status'}
          >
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
