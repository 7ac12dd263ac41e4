// A transfer's state in words, with the reason when it waits or failed.
import type { Transfer } from '../../../../electron/common/contract.js';

const waiting: Record<NonNullable<Transfer['waitingFor']>, string> = {
  network: 'Waiting for the network',
  'sign-in': 'Waiting for sign-in',
  slot: 'Waiting for a free slot',
  'disk-space': 'Waiting for disk space',
};

export function stateText(t: Transfer): string {
  switch (t.state) {
    case 'queued':
      return 'Queued';
    case 'uploading':
      return 'Uploading';
    case 'paused':
      return 'Paused';
    case 'waiting':
      return t.waitingFor ? waiting[t.waitingFor] : 'Waiting';
    case 'verifying':
      return 'Verifying';
    case 'done':
      return 'Done';
    case 'failed':
      return t.error ? `Failed: ${t.error.message}` : 'Failed';
    case 'cancelled':
      return 'Cancelled';
  }
}

export type Tone = 'accent' | 'done' | 'failed' | 'paused';

export function toneOf(t: Transfer): Tone {
  if (t.state === 'done') return 'done';
  if (t.state === 'failed' || t.state === 'cancelled') return 'failed';
  if (t.state === 'paused' || t.state === 'waiting' || t.state === 'queued') return 'paused';
  return 'accent';
}
