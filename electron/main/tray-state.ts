// What the tray shows, decided from the engine's pushed state alone: idle, uploading (with a percentage),
// paused, or needs attention (signed out, a folder unavailable, the data disk full, a failed transfer),
// plus the two questions the shell asks before it acts — must Quit ask first, and may an update restart
// Hoist now. Plain functions with no Electron, so every decision is unit-tested (tray.ts only draws).
import type { Folder, Session, Totals, UpdateReady } from '../common/contract.js';

export type TrayStateKind = 'idle' | 'uploading' | 'paused' | 'attention';

export interface TrayInput {
  totals?: Totals | undefined;
  session?: Session | undefined;
  folders?: readonly Folder[] | undefined;
  /** An update downloaded and verified, waiting for a restart. */
  updateReady?: UpdateReady | null | undefined;
}

export interface TrayView {
  state: TrayStateKind;
  /** One line for the top of the menu. */
  status: string;
  /** The icon's tooltip. */
  tooltip: string;
  /** Which of Pause all / Resume all the menu offers. */
  offer: 'pause-all' | 'resume-all';
  /** The update item when an update waits: "Restart to update", or what happens once uploads finish. */
  update?: { label: string; enabled: boolean };
}

const plural = (n: number, one: string, many: string) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** Whole percent of the unfinished bytes sent, never 100 before the last byte is. */
export function uploadPercent(totals: Totals): number {
  if (totals.bytesTotal <= 0) return 0;
  return Math.min(99, Math.floor((totals.bytesDone / totals.bytesTotal) * 100));
}

/** What needs the person, most urgent first; empty when nothing does. */
export function attentionReasons(input: TrayInput): string[] {
  const reasons: string[] = [];
  const { session, totals, folders } = input;
  if (session?.state === 'needs-sign-in') reasons.push('Sign in again to continue uploading');
  else if (session?.state === 'signed-out') reasons.push('Signed out');
  if (totals?.diskFull) reasons.push('The disk holding Hoist’s data is full');
  const unavailable = (folders ?? []).filter((f) => f.state === 'unavailable' || f.state === 'error');
  if (unavailable.length === 1) reasons.push(`Folder unavailable: ${unavailable[0]!.label}`);
  else if (unavailable.length > 1) reasons.push(`${plural(unavailable.length, 'folder', 'folders')} unavailable`);
  if (totals && totals.failed > 0) reasons.push(`${plural(totals.failed, 'upload', 'uploads')} failed`);
  return reasons;
}

/** Transfers that will move on their own (uploading, or queued and not paused). */
export function transfersInProgress(totals: Totals): number {
  return totals.active + totals.queued;
}

/** Whether uploads are running or about to: a part on the wire, or queued work that is not paused. */
export function uploadsRunning(totals: Totals): boolean {
  return totals.active > 0 || (totals.queued > 0 && !totals.pausedAll);
}

export function trayView(input: TrayInput): TrayView {
  const { totals, session } = input;
  const offer = totals?.pausedAll ? 'resume-all' : 'pause-all';
  const ready = input.updateReady;
  const update = ready
    ? {
        update: ready.restartWhenIdle
          ? { label: `Restarts to update to ${ready.version} when uploads finish`, enabled: false }
          : { label: `Restart to update to ${ready.version}`, enabled: true },
      }
    : {};
  const reasons = attentionReasons(input);
  const running = totals ? transfersInProgress(totals) : 0;
  const progress =
    totals && running > 0 && !totals.pausedAll
      ? `Uploading ${plural(running, 'file', 'files')}, ${uploadPercent(totals)}%`
      : undefined;
  const view = (state: TrayStateKind, status: string, detail: string[] = []): TrayView => ({
    state,
    status,
    tooltip: ['Hoist', status, ...detail].join(' — '),
    offer,
    ...update,
  });

  if (reasons.length > 0) return view('attention', reasons[0]!, [...reasons.slice(1), ...(progress ? [progress] : [])]);
  if (!totals || !session) return view('idle', 'Starting…');
  if (totals.pausedAll) return view('paused', 'Paused');
  if (progress) return view('uploading', progress);
  if (session.state === 'waiting-network') return view('idle', 'Waiting for the network');
  return view('idle', ready ? `Version ${ready.version} is ready to install` : 'Up to date');
}

/**
 * Whether Quit must ask first: transfers are uploading or about to (queued, not paused). A paused queue or
 * one with only finished and failed transfers quits at once; unknown totals (still starting) never block.
 */
export function mustConfirmQuit(totals: Totals | undefined): boolean {
  return totals !== undefined && uploadsRunning(totals);
}

/** The question Quit asks, in words; undefined when it need not ask. */
export function quitQuestion(totals: Totals | undefined): { message: string; detail: string } | undefined {
  if (!totals || !mustConfirmQuit(totals)) return undefined;
  const n = transfersInProgress(totals);
  return {
    message: `${plural(n, 'upload is', 'uploads are')} not finished. Quit Hoist anyway?`,
    detail: 'Nothing is lost: they continue where they stopped the next time Hoist starts.',
  };
}
