// "Start at login" followed by the OS on Linux, without Electron: a real engine's settings.update,
// followed as the desktop app follows it, writes and removes the XDG autostart entry in a temporary
// XDG_CONFIG_HOME; when the entry cannot be written, the setting goes back and the reason is given.
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { followStartAtLogin } from '../../../electron/main/start-at-login.js';
import { setXdgAutostart } from '../../../electron/main/xdg-autostart.js';
import { startTestEngine, type TestEngine } from '../../support/engine.js';

let home: string;
let engine: TestEngine;
beforeAll(async () => {
  home = await mkdtemp(path.join(tmpdir(), 'hoist-login-'));
  // No broker is needed for settings; the address is never dialled.
  engine = await startTestEngine({ brokerUrl: 'http://127.0.0.1:9' });
});
afterAll(async () => {
  await engine?.close();
  await rm(home, { recursive: true, force: true });
});

const exists = (file: string) =>
  stat(file).then(
    () => true,
    () => false,
  );

it('writes the autostart entry when the setting is turned on and removes it when turned off', async () => {
  const env = { XDG_CONFIG_HOME: path.join(home, 'config') };
  const entry = path.join(home, 'config', 'autostart', 'hoist.desktop');
  const desktop = followStartAtLogin(engine.engine, (on) =>
    setXdgAutostart(on, ['/opt/Hoist/Hoist.AppImage'], { env, home }),
  );

  expect((await desktop['settings.update']({ startAtLogin: true })).startAtLogin).toBe(true);
  expect(await readFile(entry, 'utf8')).toContain('Exec=/opt/Hoist/Hoist.AppImage');
  // Other settings leave the entry alone.
  await desktop['settings.update']({ filesInParallel: 3 });
  expect(await exists(entry)).toBe(true);

  expect((await desktop['settings.update']({ startAtLogin: false })).startAtLogin).toBe(false);
  expect(await exists(entry)).toBe(false);
  expect((await engine.engine['settings.get']({})).startAtLogin).toBe(false);
  desktop.stopFollowing();
});

it('follows a change made elsewhere (the control socket), not only through the wrapper', async () => {
  const env = { XDG_CONFIG_HOME: path.join(home, 'elsewhere') };
  const entry = path.join(home, 'elsewhere', 'autostart', 'hoist.desktop');
  const desktop = followStartAtLogin(engine.engine, (on) => setXdgAutostart(on, ['/usr/bin/hoist'], { env, home }));
  await engine.engine['settings.update']({ startAtLogin: true });
  await expect.poll(() => exists(entry)).toBe(true);
  await engine.engine['settings.update']({ startAtLogin: false });
  await expect.poll(() => exists(entry)).toBe(false);
  desktop.stopFollowing();
});

it('keeps the setting off and says why when the entry cannot be written', async () => {
  // The autostart folder's place is taken by a file: writing the entry fails even for root.
  const config = path.join(home, 'blocked');
  await mkdir(config, { recursive: true });
  await writeFile(path.join(config, 'autostart'), 'not a folder');
  await chmod(path.join(config, 'autostart'), 0o444);
  const desktop = followStartAtLogin(engine.engine, (on) =>
    setXdgAutostart(on, ['/usr/bin/hoist'], { env: { XDG_CONFIG_HOME: config }, home }),
  );

  await expect(desktop['settings.update']({ startAtLogin: true })).rejects.toThrow(
    /^Could not turn on start at login: .*(EEXIST|ENOTDIR)/,
  );
  expect((await engine.engine['settings.get']({})).startAtLogin).toBe(false);
  // Putting the setting back is not taken for a new change: nothing more is written (the old code wrote
  // the setting back and forth about a hundred times in this window, so the window is long enough).
  const writes: boolean[] = [];
  const stop = engine.engine.events.on('settings.changed', (s) => writes.push(s.startAtLogin));
  await new Promise((resolve) => setTimeout(resolve, 300));
  stop();
  desktop.stopFollowing();
  expect(writes).toEqual([]);
});
