// One transfer: name and destination, size, progress, speed, time left, state and its actions. A
// finished upload offers its S3 URI to copy and, in the desktop app, its file in the file manager.
import { memo, useState } from 'react';
import type { Transfer } from '../../../../electron/common/contract.js';
import { useAction, useClient, useConnection } from '../../app/hooks.js';
import { IconButton } from '../../components/IconButton.js';
import { ProgressBar } from '../../components/ProgressBar.js';
import { formatBytes, formatEta, formatPercent, formatRate } from '../../components/format.js';
import { stateText, toneOf } from './state.js';

const verbs = {
  'transfers.pause': 'pause',
  'transfers.resume': 'resume',
  'transfers.cancel': 'cancel',
  'transfers.retry': 'retry',
} as const;
const running = new Set<Transfer['state']>(['queued', 'uploading', 'waiting', 'verifying']);

/** Pause, resume or retry: one button in one place, so focus stays on it when the state flips. */
function toggleOf(t: Transfer):
  | {
      command: 'transfers.pause' | 'transfers.resume' | 'transfers.retry';
      icon: 'pause' | 'play' | 'retry';
      verb: string;
    }
  | undefined {
  if (running.has(t.state)) return { command: 'transfers.pause', icon: 'pause', verb: 'Pause' };
  if (t.state === 'paused') return { command: 'transfers.resume', icon: 'play', verb: 'Resume' };
  if (t.state === 'failed') return { command: 'transfers.retry', icon: 'retry', verb: 'Retry' };
  return undefined;
}

export const TransferRow = memo(function TransferRow({
  transfer: t,
  rowIndex,
  tabIndex,
}: {
  transfer: Transfer;
  rowIndex: number;
  tabIndex: number;
}) {
  const client = useClient();
  const { showInFolder } = useConnection();
  const run = useAction();
  const [copied, setCopied] = useState(false);
  const act = (command: 'transfers.pause' | 'transfers.resume' | 'transfers.cancel' | 'transfers.retry') => () =>
    run(`Could not ${verbs[command]} ${t.name}`, () => client.call(command, { id: t.id }));
  const copy = (uri: string) =>
    run(`Could not copy the S3 URI of ${t.name}`, async () => {
      await navigator.clipboard.writeText(uri);
      setCopied(true);
      setTimeout(() => setCopied(false), 2000);
    });
  const moving = t.state === 'uploading';
  const state = stateText(t);
  const toggle = toggleOf(t);
  return (
    <div
      className={`row row-${t.state}`}
      role="row"
      aria-label={`${t.name}, ${state}`}
      aria-rowindex={rowIndex}
      tabIndex={tabIndex}
    >
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
        <span className="num muted percent" aria-hidden="true">
          {formatPercent(t.bytesDone, t.size)}
        </span>
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
        {toggle && (
          <IconButton
            key="toggle"
            icon={toggle.icon}
            label={`${toggle.verb} ${t.name}`}
            onClick={act(toggle.command)}
          />
        )}
        {t.state === 'done' && t.s3Uri && (
          <IconButton
            key="copy"
            icon="copy"
            label={copied ? `Copied the S3 URI of ${t.name}` : `Copy S3 URI of ${t.name}`}
            onClick={() => copy(t.s3Uri!)}
          />
        )}
        {t.state === 'done' && showInFolder && (
          <IconButton
            key="reveal"
            icon="reveal"
            label={`Show ${t.name} in folder`}
            onClick={() => showInFolder(t.sourcePath)}
          />
        )}
        {t.state !== 'done' && t.state !== 'cancelled' && (
          <IconButton
            key="cancel"
            icon="cancel"
            label={`Cancel ${t.name}`}
            tone="danger"
            onClick={act('transfers.cancel')}
          />
        )}
      </div>
    </div>
  );
});
