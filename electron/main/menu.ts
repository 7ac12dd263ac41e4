// The application menu: the platform's standard roles (edit, window, and the app menu on macOS), so
// copy/paste, minimise and quit work as people expect.
import { Menu, type MenuItemConstructorOptions } from 'electron';

export function installAppMenu(options: { open: () => void; quit: () => void }): void {
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
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
