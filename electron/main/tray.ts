// The tray (menu-bar) icon: what Hoist is doing in its tooltip and menu, and Pause all / Resume all,
// Restart to update, Open Hoist and Quit. Fed by the engine's pushed events, like the window; what to
// show is decided by tray-state.ts (tested without Electron), so this file only draws it.
import { Menu, Tray, nativeImage, type MenuItemConstructorOptions } from 'electron';
import type { EngineApi, EngineEventSource, Folder, Session, Totals, UpdateReady } from '../common/contract.js';
import { trayIconDataUrl } from './icon.js';
import { trayView } from './tray-state.js';

export function createTray(options: {
  engine: EngineApi & { events: EngineEventSource };
  open: () => void;
  quit: () => void;
  /** "Restart to update" was clicked while uploads run: tell the person it waits for them. */
  restartDeferred: () => void;
}): () => void {
  const { engine } = options;
  const tray = new Tray(nativeImage.createFromDataURL(trayIconDataUrl));
  let totals: Totals | undefined;
  let session: Session | undefined;
  let folders: Folder[] | undefined;
  let update: UpdateReady | null = null;

  const restart = () =>
    void engine['update.install']({}).then(({ restarting }) => restarting || options.restartDeferred());

  const render = () => {
    const view = trayView({ totals, session, folders, updateReady: update });
    tray.setToolTip(view.tooltip);
    const items: MenuItemConstructorOptions[] = [
      { label: view.status, enabled: false },
      { type: 'separator' },
      view.offer === 'resume-all'
        ? { label: 'Resume all', click: () => void engine['transfers.resumeAll']({}) }
        : { label: 'Pause all', click: () => void engine['transfers.pauseAll']({}) },
      ...(view.update ? [{ label: view.update.label, enabled: view.update.enabled, click: restart }] : []),
      { label: 'Open Hoist', click: options.open },
      { type: 'separator' },
      { label: 'Quit Hoist', click: options.quit },
    ];
    tray.setContextMenu(Menu.buildFromTemplate(items));
  };

  const offs = [
    engine.events.on('totals', (t) => ((totals = t), render())),
    engine.events.on('session', (s) => ((session = s), render())),
    engine.events.on('folders', (f) => ((folders = f.folders), render())),
    engine.events.on('update.ready', (u) => ((update = u), render())),
  ];
  tray.on('click', options.open);
  void Promise.all([
    engine['transfers.totals']({}),
    engine['session.get']({}),
    engine['folders.list']({}),
    engine['update.get']({}),
  ]).then(([t, s, f, u]) => {
    totals ??= t;
    session ??= s;
    folders ??= f;
    update ??= u;
    render();
  });
  render();
  return () => {
    offs.forEach((off) => off());
    tray.destroy();
  };
}
