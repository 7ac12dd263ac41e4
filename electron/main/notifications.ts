// Native notifications for the two moments worth interrupting someone: dropped files have all finished,
// and a transfer failed in a way only the user can fix (not retryable). Quiet otherwise.
import { Notification } from 'electron';
import type { EngineEventSource, Transfer } from '../common/contract.js';

export function notifyOnTransfers(events: EngineEventSource, open: () => void): () => void {
  const seen = new Map<string, Transfer['state']>();
  let finished = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const show = (title: string, body: string) => {
    if (!Notification.isSupported()) return;
    const n = new Notification({ title, body });
    n.on('click', open);
    n.show();
  };

  return events.on('transfers.changed', ({ transfers }) => {
    for (const t of transfers) {
      const before = seen.get(t.id);
      seen.set(t.id, t.state);
      if (before === t.state) continue;
      if (t.state === 'done' && t.origin.kind === 'drop' && before !== undefined) finished++;
      if (t.state === 'failed' && t.error && !t.error.retryable) show('Upload failed', `${t.name}: ${t.error.message}`);
    }
    // Finished drops are summed over a few seconds: one notification for a batch, not one per file.
    if (finished > 0 && !timer) {
      timer = setTimeout(() => {
        show('Upload complete', finished === 1 ? '1 file uploaded.' : `${finished.toLocaleString()} files uploaded.`);
        finished = 0;
        timer = undefined;
      }, 3000);
    }
  });
}
