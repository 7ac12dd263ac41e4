// The Linux start-at-login entry: where it goes (XDG_CONFIG_HOME, else ~/.config), what it says, and
// that it is written and removed with the setting — on a temporary HOME and XDG_CONFIG_HOME.
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { autostartFile, desktopEntry, setXdgAutostart } from '../../../electron/main/xdg-autostart.js';

let home: string;
beforeEach(async () => {
  home = await mkdtemp(path.join(tmpdir(), 'hoist-home-'));
});
afterEach(async () => rm(home, { recursive: true, force: true }));

const exists = (file: string) =>
  stat(file).then(
    () => true,
    () => false,
  );

describe('where the entry goes', () => {
  it('is under XDG_CONFIG_HOME when it is an absolute path, else under HOME/.config', () => {
    expect(autostartFile({ env: { XDG_CONFIG_HOME: '/x/conf' }, home: '/h' })).toBe('/x/conf/autostart/hoist.desktop');
    expect(autostartFile({ env: {}, home: '/h' })).toBe('/h/.config/autostart/hoist.desktop');
    expect(autostartFile({ env: { XDG_CONFIG_HOME: 'relative/conf' }, home: '/h' })).toBe(
      '/h/.config/autostart/hoist.desktop',
    );
  });
});

describe('the entry', () => {
  it('runs the command, with arguments that need it quoted and escaped as desktop entries require', () => {
    const entry = desktopEntry(['/opt/Hoist/hoist', '/home/ada/My Apps/app "one"', '100%$x\\y']);
    const exec = entry.split('\n').find((l) => l.startsWith('Exec='));
    expect(exec).toBe('Exec=/opt/Hoist/hoist "/home/ada/My Apps/app \\\\"one\\\\"" "100%%\\\\$x\\\\\\\\y"');
    expect(entry).toMatch(/^\[Desktop Entry\]\nType=Application\n/);
    expect(entry).toContain('\nName=Hoist\n');
  });

  it('refuses a path with a control character instead of writing a broken entry', () => {
    expect(() => desktopEntry(['/opt/ho\nist'])).toThrow(/control character/);
  });
});

describe('written and removed with the setting', () => {
  it('writes hoist.desktop under XDG_CONFIG_HOME when turned on and removes it when turned off', async () => {
    const env = { XDG_CONFIG_HOME: path.join(home, 'conf') };
    const file = path.join(home, 'conf', 'autostart', 'hoist.desktop');
    await setXdgAutostart(true, ['/opt/Hoist/hoist.AppImage'], { env, home });
    expect(await readFile(file, 'utf8')).toContain('\nExec=/opt/Hoist/hoist.AppImage\n');
    expect((await stat(file)).mode & 0o777).toBe(0o644);
    // Turning it on again replaces the entry whole, leaving no temporary file beside it.
    await setXdgAutostart(true, ['/opt/Hoist/other'], { env, home });
    expect(await readFile(file, 'utf8')).toContain('\nExec=/opt/Hoist/other\n');
    expect(await readdir(path.dirname(file))).toEqual(['hoist.desktop']);
    await setXdgAutostart(false, [], { env, home });
    expect(await exists(file)).toBe(false);
    // Off when already off is fine.
    await setXdgAutostart(false, [], { env, home });
  });

  it('uses HOME/.config when XDG_CONFIG_HOME is not set', async () => {
    await setXdgAutostart(true, ['/usr/bin/hoist'], { env: {}, home });
    expect(await exists(path.join(home, '.config', 'autostart', 'hoist.desktop'))).toBe(true);
  });
});
