// The visible drop target with "Choose files" and "Choose folder" buttons. The whole window accepts
// drops (see Shell); this says so and reports what happened to the last drop.
import { useRef } from 'react';
import { Icon } from '../../components/Icon.js';
import type { SkippedPath } from '../../../../electron/common/contract.js';
import type { DropState } from './useDropHandler.js';

function statusText(status: DropState['status']): string {
  switch (status.kind) {
    case 'staging':
      return `Preparing ${status.done.toLocaleString()} of ${status.total.toLocaleString()} files…`;
    case 'queued': {
      const added = status.count === 1 ? 'Added 1 upload.' : `Added ${status.count.toLocaleString()} uploads.`;
      return status.skipped.length === 0 ? added : `${added} ${skippedText(status.skipped)}`;
    }
    case 'error':
      return status.message;
    default:
      return '';
  }
}

/** What was not added, by its first example: the drop zone has room for one line. */
function skippedText(skipped: SkippedPath[]): string {
  const first = skipped[0]!;
  const name = first.path.split(/[\\/]/).filter(Boolean).pop() ?? first.path;
  const others = skipped.length > 1 ? ` (and ${(skipped.length - 1).toLocaleString()} more not added)` : '';
  return `Not added: ${name}: ${first.reason}${others}`;
}

const hasProblem = (status: DropState['status']) =>
  status.kind === 'error' || (status.kind === 'queued' && status.skipped.length > 0);

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
        <span
          className={`muted dropzone-status${hasProblem(drop.status) ? ' is-error' : ''}`}
          role="status"
          aria-live="polite"
        >
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
      <input
        ref={files}
        type="file"
        multiple
        hidden
        aria-label="Choose files to upload"
        data-testid="choose-files"
        onChange={(e) => pick(e.currentTarget)}
      />
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
