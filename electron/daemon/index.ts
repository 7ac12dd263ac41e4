// electron/daemon: the headless mode (docs/ARCHITECTURE.md, Contracts: headless command). daemon.ts serves the
// built renderer and the RPC contract over a WebSocket on 127.0.0.1 behind a token (security.ts),
// static.ts serves files, stage.ts takes browser drops (capped per batch; stage-cleanup.ts deletes them once
// uploaded, stage-sweep.ts what nobody will upload, at start and on Clear finished). This file is the CLI entry:
//   npm run headless -- --data DIR --port 0 --ready-file FILE [--broker URL]
// Plain Node: may depend on electron/common, electron/rpc (not rpc/ipc) and electron/engine; never on
// Electron, React or the renderer.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { writeFileAtomic } from '../engine/platform/atomic-file.js';
import { stagingDirOf } from '../engine/intake/expand-paths.js';
import { startHost } from '../host/index.js';
import { startDaemon } from './daemon.js';
import { notBuiltMessage } from './static.js';

export { startDaemon, type Daemon, type DaemonOptions } from './daemon.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      data: { type: 'string' },
      port: { type: 'string', default: '0' },
      'ready-file': { type: 'string' },
      broker: { type: 'string' },
    },
    strict: true,
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('--port must be 0..65535');
  // No --broker: the local stack runs in-process with its local account (electron/host).
  const host = await startHost({
    kind: 'headless',
    ...(values.data ? { data: values.data } : {}),
    ...(values.broker ? { broker: values.broker } : {}),
  });
  const { engine, dataDir } = host;
  const stagingDir = stagingDirOf(dataDir);
  await mkdir(stagingDir, { recursive: true, mode: 0o700 });

  const rendererDir = fileURLToPath(new URL('../../renderer/dist', import.meta.url));
  // `npm run headless` builds it first; started some other way, say so before anyone opens the page.
  if (!existsSync(path.join(rendererDir, 'index.html'))) console.error(`headless: ${notBuiltMessage}`);
  const daemon = await startDaemon({
    engine,
    port,
    host: '127.0.0.1',
    rendererDir,
    stagingDir,
    log: host.log,
    diagnosticsFile: host.diagnosticsFile,
  });
  if (values['ready-file']) writeFileAtomic(values['ready-file'], JSON.stringify({ url: daemon.url }));
  console.log(`Hoist is running headless${host.embedded ? ' on the built-in local cloud' : ''}. Open: ${daemon.url}`);

  const stop = async () => {
    await daemon.close();
    await host.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    console.error(`headless: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
