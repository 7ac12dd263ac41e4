// Settings are one place, whoever changes them: a change made over the control socket (as `hoist` would)
// reaches every client as a settings.changed event, here the headless daemon's WebSocket (what its
// window hears) and the control socket client itself. Real transports end to end: the headless
// command as a child process, its WebSocket behind the token, its control socket behind its secret.
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connectControlSocket } from '../../../electron/rpc/socket/client.js';
import { startHeadlessCommand } from '../../support/headless-command.js';
import { openDaemonSocket, tokenOf } from '../../support/headless-socket.js';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'hoist-settings-event-'));
});
afterAll(async () => rm(work, { recursive: true, force: true }));

it('a settings change over the control socket reaches the headless window and every other client as settings.changed', async () => {
  const data = path.join(work, 'data');
  const readyFile = path.join(work, 'ready.json');
  const { child, output, exited } = startHeadlessCommand(['--data', data, '--port', '0', '--ready-file', readyFile]);
  try {
    await expect.poll(() => existsSync(readyFile), { timeout: 60_000, interval: 200 }).toBe(true);
    const url = new URL((JSON.parse(readFileSync(readyFile, 'utf8')) as { url: string }).url);
    const { ws, frames } = await openDaemonSocket(Number(url.port), tokenOf(url));
    const control = await connectControlSocket(data);
    const heardByControl: unknown[] = [];
    control.on('settings.changed', (settings) => heardByControl.push(settings));

    const updated = await control.call('settings.update', { filesInParallel: 7, ignorePatterns: ['*.tmp'] });
    expect(updated).toMatchObject({ filesInParallel: 7, ignorePatterns: ['*.tmp'] });

    await expect
      .poll(() => frames, { timeout: 10_000 })
      .toContainEqual({
        event: 'settings.changed',
        payload: expect.objectContaining({ filesInParallel: 7, ignorePatterns: ['*.tmp'] }),
      });
    await expect.poll(() => heardByControl, { timeout: 10_000 }).toEqual([updated]);

    // The window reading the settings afterwards sees the same.
    ws.send(JSON.stringify({ id: 1, command: 'settings.get', params: {} }));
    await expect.poll(() => frames, { timeout: 10_000 }).toContainEqual({ id: 1, result: updated });
    control.close();
    ws.close();
  } finally {
    child.kill('SIGTERM');
  }
  expect(await exited, output()).toBe(0);
});
