// Start at login on Linux desktops: an XDG autostart entry (`$XDG_CONFIG_HOME/autostart/hoist.desktop`,
// by default under ~/.config), which GNOME, KDE, Xfce and the other freedesktop.org sessions run at
// login. Plain Node (no Electron) so it is tested on its own; login-item.ts calls it.
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { EXCLUSIVE_FLAGS, temporaryNameFor } from '../engine/platform/atomic-file.js';

export interface AutostartPlace {
  /** XDG_CONFIG_HOME when set (an absolute path), else HOME/.config. */
  env?: NodeJS.ProcessEnv;
  home?: string;
}

/** Where the entry lives. A relative XDG_CONFIG_HOME is ignored, as the XDG base directory rules say. */
export function autostartFile({ env = process.env, home = homedir() }: AutostartPlace = {}): string {
  const configured = env.XDG_CONFIG_HOME;
  const config = configured && path.isAbsolute(configured) ? configured : path.join(home, '.config');
  return path.join(config, 'autostart', 'hoist.desktop');
}

// Characters that make a desktop entry's Exec argument need double quotes, and those escaped inside them.
const needsQuotes = /[\s"'\\><~|&;$*?#()`]/;
const escapedInQuotes = /["`$\\]/g;

/** One argument of an Exec line, quoted and escaped as a desktop entry requires. */
function execArgument(arg: string): string {
  // eslint-disable-next-line no-control-regex -- a control character cannot be written in a desktop entry
  if (/[\u0000-\u001f\u007f]/.test(arg))
    throw new Error(
      `Start at login: the path "${arg}" contains a control character, which a desktop entry cannot hold.`,
    );
  const field = arg.replaceAll('%', '%%');
  const quoted = needsQuotes.test(field) ? `"${field.replace(escapedInQuotes, (c) => `\\${c}`)}"` : field;
  // Exec is a string value, whose own escape rule doubles every backslash once more.
  return quoted.replaceAll('\\', '\\\\');
}

export function desktopEntry(command: readonly string[]): string {
  if (command.length === 0) throw new Error('Start at login: no command to run.');
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Version=1.0',
    'Name=Hoist',
    'Comment=Uploads your files to your organisation’s storage',
    `Exec=${command.map(execArgument).join(' ')}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

/**
 * Writes the entry (whole or not at all: a temporary file renamed over it) when `enabled`, removes it
 * otherwise. `command` is the program and its arguments, e.g. the AppImage's path.
 */
export async function setXdgAutostart(
  enabled: boolean,
  command: readonly string[],
  place: AutostartPlace = {},
): Promise<void> {
  const file = autostartFile(place);
  if (!enabled) {
    await rm(file, { force: true });
    return;
  }
  const text = desktopEntry(command);
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  // A random name created exclusively, never through a link planted beside the target.
  const temporary = temporaryNameFor(file);
  try {
    await writeFile(temporary, text, { mode: 0o644, flag: EXCLUSIVE_FLAGS });
    await rename(temporary, file);
  } finally {
    await rm(temporary, { force: true });
  }
}
