// The app's data folder, the same one Electron's app.getPath('userData') gives, so the desktop app,
// the headless mode and the command line share one journal and one session.
import os from 'node:os';
import path from 'node:path';

/**
 * Where the headless window stages files dropped into a plain browser (it has no paths to give): the one
 * part of the data folder that may be uploaded, since it holds only copies of what the user dropped.
 */
export function stagingDirOf(dataDir: string): string {
  return path.join(dataDir, 'staging');
}

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.HOIST_DATA_DIR) return env.HOIST_DATA_DIR;
  switch (process.platform) {
    case 'darwin':
      return path.join(os.homedir(), 'Library', 'Application Support', 'Hoist');
    case 'win32':
      return path.join(env.APPDATA ?? path.join(os.homedir(), 'AppData', 'Roaming'), 'Hoist');
    default:
      return path.join(env.XDG_CONFIG_HOME ?? path.join(os.homedir(), '.config'), 'Hoist');
  }
}
