// `hoist config --help`'s list of settings, apart from the commands so that building the help loads only
// the setting keys.
import { settingKeys } from './keys.js';

/** `hoist config --help`: every setting key, what it means and the form its value takes. */
export function configHelp(): string {
  const width = Math.max(...settingKeys.map((k) => k.key.length));
  const lines = settingKeys.flatMap((k) => [
    `  ${k.key.padEnd(width)}  ${k.description}`,
    `  ${''.padEnd(width)}  ${k.form}`,
  ]);
  return [
    '',
    'Settings (KEY):',
    ...lines,
    '',
    'When a Hoist runs on the data folder (the app, headless, `hoist sync`), `set` changes it at once and it',
    'saves the value; otherwise `set` writes the settings file for the next start. A bad key or value exits',
    'with code 2 and changes nothing. Sizes are binary, as in rclone (1k = 1,024 bytes).',
    '',
    'Examples:',
    '  hoist config set bandwidth-limit 10M',
    '  hoist config set parallel-files 8',
    "  hoist config set ignore-patterns '*.log,build/'",
    '  hoist config get stability-window',
  ].join('\n');
}
