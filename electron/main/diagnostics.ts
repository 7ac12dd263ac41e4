// "Open logs folder" and "Save diagnostics…" in the desktop app (the Help menu and the Settings tab):
// the engine writes the zip into the data folder (diagnostics.create), and this asks where to keep it in
// a native save dialog and copies it there. The window hands over a zip's name only, never a path.
import { app, dialog, shell, type BrowserWindow } from 'electron';
import { copyFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Host } from '../host/index.js';

export function openLogsFolder(host: Host): void {
  void shell.openPath(host.logsDir).then((problem) => {
    if (problem) host.log.warn('the logs folder could not be opened', { folder: host.logsDir, problem });
  });
}

/** Saves the zip `name` (default: a new one) where the user chooses; the saved path, or null when cancelled. */
export async function saveDiagnostics(
  host: Host,
  window: BrowserWindow | undefined,
  name?: string,
): Promise<string | null> {
  const zipName = name ?? (await host.engine['diagnostics.create']({})).name;
  const source = host.diagnosticsFile(zipName);
  if (!source) return null;
  const options = {
    title: 'Save diagnostics',
    defaultPath: path.join(app.getPath('downloads'), zipName),
    filters: [{ name: 'Zip archive', extensions: ['zip'] }],
  };
  const choice = window ? await dialog.showSaveDialog(window, options) : await dialog.showSaveDialog(options);
  if (choice.canceled || !choice.filePath) return null;
  await copyFile(source, choice.filePath);
  // Handed on: the copy in the data folder is not needed any more.
  await rm(source, { force: true });
  return choice.filePath;
}
