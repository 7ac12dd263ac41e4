// The one polite live region for transfers: says which finished or failed, a batch at a time, and
// nothing about progress (progress bars carry their own values for whoever looks at them).
import { useEffect, useState } from 'react';
import { useClient } from '../../app/hooks.js';
import { FinishedTransfers } from './finished.js';

/** Finishes this close together are said in one sentence. */
const batchMs = 1000;

export function TransferAnnouncer() {
  const client = useClient();
  const [text, setText] = useState('');
  useEffect(() => {
    const finished = new FinishedTransfers();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const offs = [
      client.on('transfers.changed', ({ transfers }) => {
        if (!finished.add(transfers) || timer) return;
        timer = setTimeout(() => {
          timer = undefined;
          setText(finished.take());
        }, batchMs);
      }),
      client.on('transfers.removed', ({ ids }) => finished.forget(ids)),
    ];
    return () => {
      offs.forEach((off) => off());
      clearTimeout(timer);
    };
  }, [client]);
  return (
    <div className="visually-hidden" role="status" aria-live="polite" data-testid="transfer-announcements">
      {text}
    </div>
  );
}
