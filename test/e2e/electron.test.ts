// The same journey in the real Electron shell. It needs Electron's binary, which the electron
// package downloads on first use; machines without outside network (like this project's CI) cannot
// fetch it, so the test is skipped there and says so.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { it } from 'vitest';
import { _electron } from 'playwright-core';

const require = createRequire(import.meta.url);

function electronBinary(): string | undefined {
  try {
    const pathFile = require.resolve('electron/path.txt');
    const binary = require('electron') as string;
    return existsSync(pathFile) && existsSync(binary) ? binary : undefined;
  } catch {
    return undefined;
  }
}

const binary = electronBinary();
const skipReason = binary
  ? undefined
  : 'Electron binary not installed (it is downloaded on first use and this machine cannot reach the download host)';
if (skipReason) console.warn(`electron e2e skipped: ${skipReason}`);

it.skipIf(!binary)('opens the Hoist window in Electron', async ({ expect }) => {
  const app = await _electron.launch({ executablePath: binary!, args: ['out/electron/main/index.js'] });
  try {
    const window = await app.firstWindow();
    await expect.poll(() => window.title()).toBe('Hoist');
    // The renderer has no Node: no require, no process.
    const nodeInRenderer = await window.evaluate(() => typeof (globalThis as { require?: unknown }).require + typeof (globalThis as { process?: unknown }).process);
    expect(nodeInRenderer).toBe('undefinedundefined');
  } finally {
    await app.close();
  }
});
