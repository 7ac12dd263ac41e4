// Adding a folder: the native picker when the shell has one, otherwise a path typed by the user.
import { useState, type FormEvent } from 'react';
import { messageOf } from '../../api/index.js';
import { useClient, useConnection } from '../../app/hooks.js';
import { Icon } from '../../components/Icon.js';

export function AddFolder() {
  const client = useClient();
  const { pickFolder } = useConnection();
  const [path, setPath] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function add(chosen: string) {
    setBusy(true);
    setError(undefined);
    try {
      await client.call('folders.add', { path: chosen });
      setPath('');
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  if (pickFolder) {
    return (
      <div className="add-folder">
        <button
          type="button"
          className="button button-primary"
          disabled={busy}
          onClick={() =>
            void pickFolder().then(
              (p) => (p ? add(p) : undefined),
              (err: unknown) => setError(messageOf(err)),
            )
          }
        >
          <Icon name="folder" /> Add folder…
        </button>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
      </div>
    );
  }

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (path.trim()) void add(path.trim());
  };
  return (
    <form className="add-folder" onSubmit={submit}>
      <label className="field field-inline">
        <span>Folder on this computer</span>
        <input
          name="folderPath"
          className="mono"
          placeholder="/home/you/Videos"
          spellCheck={false}
          value={path}
          onChange={(e) => setPath(e.target.value)}
        />
      </label>
      <button type="submit" className="button button-primary" disabled={busy || !path.trim()}>
        Add folder
      </button>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
