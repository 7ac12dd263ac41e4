// The visible drop target with "Choose files" and "Choose folder" buttons. The whole window accepts
// drops (see Shell); this says so and reports what happened to the last drop.
import { useRef } from 'react';
import { Icon } from '../../components/Icon.js';
import type { DropState } from './useDropHandler.js';

function statusText(status: DropState['status']): string {
  switch (status.kind) {
    case 'staging':
      return `Preparing ${status.done.toLocaleString()} of ${status.total.toLocaleString()} files…`;
    case 'queued':
      return status.count === 1 ? 'Added 1 upload.' : `Added ${status.count.toLocaleString()} uploads.`;
    case 'error':
      return status.message;
    default:
      return '';
  }
}

export function DropZone({ drop }: { drop: DropState }) {
  const files = useRef<HTMLInputElement>(null);
  const folder = useRef<HTMLInputElement>(null);
  const pick = (input: HTMLInputElement | null) => {
    if (!input?.files) return;
    drop.addFiles(Array.from(input.files));
    input.value = '';
  };
  return (
    <section className="dropzone" data-testid="drop-zone" aria-label="Drop files or folders here to upload">
      <span className="dropzone-icon" aria-hidden="true">
        <Icon name="upload" size={22} />
      </span>
      <div className="dropzone-text">
        <strong>Drop files or folders anywhere in this window</strong>
        <span className={`muted dropzone-status${drop.status.kind === 'error' ? ' is-error' : ''}`} role="status" aria-live="polite">
          {statusText(drop.status) || 'They upload in the background; you can keep working.'}
        </span>
      </div>
      <div className="dropzone-actions">
        <button type="button" className="button" onClick={() => files.current?.click()}>
          Choose files…
        </button>
        <button type="button" className="button" onClick={() => folder.current?.click()}>
          Choose folder…
        </button>
      </div>
      <input ref={files} type="file" multiple hidden aria-label="Choose files to upload" data-testid="choose-files" onChange={(e) => pick(e.currentTarget)} />
      <input
        ref={(el) => {
          folder.current = el;
          // React does not know webkitdirectory: set it on the element.
          el?.setAttribute('webkitdirectory', '');
        }}
        type="file"
        hidden
        aria-label="Choose a folder to upload"
        onChange={(e) => pick(e.currentTarget)}
      />
    </section>
  );
}
