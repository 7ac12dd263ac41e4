// electron/daemon: the headless mode (DESIGN.md section 4, "Headless command"). daemon.ts serves the
// built renderer and the RPC contract over a WebSocket on 127.0.0.1 behind a token (security.ts),
// static.ts serves files, stage.ts takes browser drops (stage-cleanup.ts deletes them once uploaded). This file is the CLI entry:
//   npm run headless -- --data DIR --port 0 --ready-file FILE [--broker URL]
// Plain Node: may depend on electron/common, electron/rpc (not rpc/ipc) and electron/engine; never on
// Electron, React or the renderer.
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createEngine } from '../engine/index.js';
import { startDaemon } from './daemon.js';

export { startDaemon, type Daemon, type DaemonOptions } from './daemon.js';

/** Writes JSON so a reader never sees half a file: a temporary name, then rename. */
export async function writeFileAtomic(file: string, data: unknown): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, JSON.stringify(data), { mode: 0o600 });
  await rename(temporary, file);
}

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
  if (!values.data) throw new Error('--data DIR is required');
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('--port must be 0..65535');
  const dataDir = path.resolve(values.data);
  const stagingDir = path.join(dataDir, 'staging');
  await mkdir(stagingDir, { recursive: true, mode: 0o700 });

  // Without --broker the local stack runs in-process (DESIGN.md section 4); that wiring belongs to
  // electron/embedded and is added there, so until then --broker is required.
  if (!values.broker) throw new Error('--broker URL is required until the embedded local stack is wired in');
  const engine = await createEngine({ dataDir, brokerUrl: values.broker });

  const rendererDir = fileURLToPath(new URL('../../renderer/dist', import.meta.url));
  const daemon = await startDaemon({ engine, port, host: '127.0.0.1', rendererDir, stagingDir });
  if (values['ready-file']) await writeFileAtomic(values['ready-file'], { url: daemon.url });
  console.log(`Hoist is running headless. Open: ${daemon.url}`);

  const stop = async () => {
    await daemon.close();
    await engine.close();
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
