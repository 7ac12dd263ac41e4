// The tray (menu-bar) icon: status in words (idle, uploading n files, paused, needs sign-in, error) and
// Pause all / Resume all / Open / Quit. Fed by the engine's pushed events, like the window.
import { Menu, Tray, nativeImage } from 'electron';
import type { EngineApi, EngineEventSource, Session, Totals } from '../common/contract.js';
import { trayIconDataUrl } from './icon.js';

export function statusText(totals: Totals | undefined, session: Session | undefined): string {
  if (session && (session.state === 'needs-sign-in' || session.state === 'signed-out')) return 'Needs sign-in';
  if (session?.state === 'waiting-network') return 'Waiting for the network';
  if (!totals) return 'Starting…';
  if (totals.pausedAll) return 'Paused';
  if (totals.active + totals.queued > 0)
    return `Uploading ${(totals.active + totals.queued).toLocaleString()} ${totals.active + totals.queued === 1 ? 'file' : 'files'}`;
  if (totals.failed > 0) return `${totals.failed.toLocaleString()} failed`;
  return 'Up to date';
}

export function createTray(options: {
  engine: EngineApi & { events: EngineEventSource };
  open: () => void;
  quit: () => void;
}): () => void {
  const { engine } = options;
  const tray = new Tray(nativeImage.createFromDataURL(trayIconDataUrl));
  let totals: Totals | undefined;
  let session: Session | undefined;

  const render = () => {
    const status = statusText(totals, session);
    tray.setToolTip(`Hoist — ${status}`);
    tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: status, enabled: false },
        { type: 'separator' },
        totals?.pausedAll
          ? { label: 'Resume all', click: () => void engine['transfers.resumeAll']({}) }
          : { label: 'Pause all', click: () => void engine['transfers.pauseAll']({}) },
        { label: 'Open Hoist', click: options.open },
        { type: 'separator' },
        { label: 'Quit Hoist', click: options.quit },
      ]),
    );
  };

  const offs = [
    engine.events.on('totals', (t) => ((totals = t), render())),
    engine.events.on('session', (s) => ((session = s), render())),
  ];
  tray.on('click', options.open);
  void Promise.all([engine['transfers.totals']({}), engine['session.get']({})]).then(([t, s]) => {
    totals ??= t;
    session ??= s;
    render();
  });
  render();
  return () => {
    offs.forEach((off) => off());
    tray.destroy();
  };
}
