// The application menu: the platform's standard roles (edit, window, and the app menu on macOS), so
// copy/paste, minimise and quit work as people expect; Help has the logs folder and the diagnostics zip.
import { Menu, type MenuItemConstructorOptions } from 'electron';

export function installAppMenu(options: {
  open: () => void;
  quit: () => void;
  openLogsFolder: () => void;
  saveDiagnostics: () => void;
}): void {
  const mac = process.platform === 'darwin';
  const template: MenuItemConstructorOptions[] = [
    ...(mac ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        { label: 'Open Hoist', accelerator: 'CmdOrCtrl+O', click: options.open },
        { type: 'separator' },
        mac ? { role: 'close' } : { label: 'Quit', accelerator: 'CmdOrCtrl+Q', click: options.quit },
      ],
    },
    { role: 'editMenu' },
    { role: 'viewMenu' },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [
        { label: 'Open Logs Folder', click: options.openLogsFolder },
        { label: 'Save Diagnostics…', click: options.saveDiagnostics },
      ],
    },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
