// One watched folder: label, path, status and its pause / resume / remove actions. Removing asks first,
// in place: it cancels the folder's unfinished uploads (and deletes nothing already uploaded). The
// question takes the focus (on the safe answer); Escape or "Keep watching" gives it back to the bin.
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { Folder } from '../../../../electron/common/contract.js';
import { useAction, useClient } from '../../app/hooks.js';
import { Badge } from '../../components/Badge.js';
import { Icon } from '../../components/Icon.js';
import { IconButton } from '../../components/IconButton.js';

function status(folder: Folder): { text: string; tone: 'neutral' | 'accent' | 'success' | 'warn' | 'danger' } {
  const files = `${folder.filesSeen.toLocaleString()} ${folder.filesSeen === 1 ? 'file' : 'files'}`;
  switch (folder.state) {
    case 'scanning':
      return { text: `Scanning · ${files}`, tone: 'accent' };
    case 'watching':
      return { text: `Watching · ${files}`, tone: 'success' };
    case 'paused':
      return { text: 'Paused', tone: 'neutral' };
    case 'unavailable':
      return { text: 'Unavailable', tone: 'warn' };
    case 'error':
      return { text: 'Error', tone: 'danger' };
  }
}

/** The Folders tab's heading (FoldersView), where focus goes when a folder is removed. */
export const foldersHeadingId = 'folders-heading';

const verbs = { 'folders.pause': 'pause', 'folders.resume': 'resume', 'folders.remove': 'stop watching' } as const;

export function FolderItem({ folder }: { folder: Folder }) {
  const client = useClient();
  const run = useAction();
  const [confirming, setConfirming] = useState(false);
  const bin = useRef<HTMLButtonElement>(null);
  const keep = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (confirming) keep.current?.focus();
  }, [confirming]);
  const closeConfirm = () => {
    setConfirming(false);
    bin.current?.focus();
  };
  const onConfirmKey = (event: KeyboardEvent) => {
    if (event.key !== 'Escape') return;
    event.preventDefault();
    closeConfirm();
  };
  const act = (command: 'folders.pause' | 'folders.resume' | 'folders.remove') => () =>
    run(`Could not ${verbs[command]} ${folder.label}`, () => client.call(command, { id: folder.id }));
  const { text, tone } = status(folder);
  return (
    <li className="folder card" aria-label={`${folder.label}, ${text}`}>
      <span className="folder-icon" aria-hidden="true">
        <Icon name="folder" size={20} />
      </span>
      <div className="folder-text">
        <span className="name truncate">{folder.label}</span>
        <span className="mono muted truncate" title={folder.path}>
          {folder.path}
        </span>
        {folder.message && <span className="folder-message">{folder.message}</span>}
      </div>
      <Badge tone={tone}>{text}</Badge>
      <div className="folder-actions">
        {/* One button whose label changes, so focus stays on it when the folder pauses or resumes. */}
        <IconButton
          icon={folder.state === 'paused' ? 'play' : 'pause'}
          label={`${folder.state === 'paused' ? 'Resume' : 'Pause'} ${folder.label}`}
          onClick={act(folder.state === 'paused' ? 'folders.resume' : 'folders.pause')}
        />
        <IconButton
          ref={bin}
          icon="trash"
          label={`Stop watching ${folder.label}`}
          tone="danger"
          onClick={() => setConfirming(true)}
        />
      </div>
      {confirming && (
        <div
          className="folder-confirm"
          role="group"
          aria-label={`Stop watching ${folder.label}?`}
          onKeyDown={onConfirmKey}
        >
          <span>
            Stop watching <strong>{folder.label}</strong>? Its unfinished uploads are cancelled; files already uploaded
            stay in storage.
          </span>
          <button ref={keep} type="button" className="button" onClick={closeConfirm}>
            Keep watching
          </button>
          <button
            type="button"
            className="button button-danger"
            onClick={() => {
              // This folder's item goes away: the list's heading keeps the focus.
              document.getElementById(foldersHeadingId)?.focus();
              act('folders.remove')();
            }}
          >
            Stop watching
          </button>
        </div>
      )}
    </li>
  );
}
