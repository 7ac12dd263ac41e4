// One transfer: name and destination, size, progress, speed, time left, state and its actions.
import { memo } from 'react';
import type { Transfer } from '../../../../electron/common/contract.js';
import { useAction, useClient } from '../../app/hooks.js';
import { IconButton } from '../../components/IconButton.js';
import { ProgressBar } from '../../components/ProgressBar.js';
import { formatBytes, formatEta, formatPercent, formatRate } from '../../components/format.js';
import { stateText, toneOf } from './state.js';

const verbs = { 'transfers.pause': 'pause', 'transfers.resume': 'resume', 'transfers.cancel': 'cancel', 'transfers.retry': 'retry' } as const;
const running = new Set<Transfer['state']>(['queued', 'uploading', 'waiting', 'verifying']);

export const TransferRow = memo(function TransferRow({ transfer: t }: { transfer: Transfer }) {
  const client = useClient();
  const run = useAction();
  const act = (command: 'transfers.pause' | 'transfers.resume' | 'transfers.cancel' | 'transfers.retry') => () =>
    run(`Could not ${verbs[command]} ${t.name}`, () => client.call(command, { id: t.id }));
  const moving = t.state === 'uploading';
  const state = stateText(t);
  return (
    <div className={`row row-${t.state}`} role="row" aria-label={`${t.name}, ${state}`}>
      <div className="cell cell-name" role="cell">
        <span className="name truncate" title={t.sourcePath}>
          {t.name}
        </span>
        <span className="destination truncate muted" title={t.destination}>
          → {t.destination}
        </span>
      </div>
      <div className="cell cell-size num" role="cell">
        {formatBytes(t.size)}
      </div>
      <div className="cell cell-progress" role="cell">
        <ProgressBar value={t.bytesDone} max={t.size} label={`${t.name} progress`} tone={toneOf(t)} />
        <span className="num muted percent">{formatPercent(t.bytesDone, t.size)}</span>
      </div>
      <div className="cell cell-rate num" role="cell">
        {moving ? formatRate(t.rate) : '—'}
      </div>
      <div className="cell cell-eta num" role="cell">
        {moving ? formatEta(t.etaSeconds) : '—'}
      </div>
      <div className={`cell cell-state state-${t.state} truncate`} role="cell" title={state}>
        {state}
      </div>
      <div className="cell cell-actions" role="cell">
        {running.has(t.state) && <IconButton icon="pause" label={`Pause ${t.name}`} onClick={act('transfers.pause')} />}
        {t.state === 'paused' && <IconButton icon="play" label={`Resume ${t.name}`} onClick={act('transfers.resume')} />}
        {t.state === 'failed' && <IconButton icon="retry" label={`Retry ${t.name}`} onClick={act('transfers.retry')} />}
        {t.state !== 'done' && t.state !== 'cancelled' && <IconButton icon="cancel" label={`Cancel ${t.name}`} tone="danger" onClick={act('transfers.cancel')} />}
      </div>
    </div>
  );
});
