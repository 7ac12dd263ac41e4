// `hoist diagnostics [--output FILE]`: the diagnostics zip of the window's "Save diagnostics" (recent logs,
// versions, settings, counts; never a secret). Made by the Hoist running on the data folder, over its
// control socket, or by an engine started for it; then copied to FILE (default: in the current folder).
import { constants } from 'node:fs';
import { copyFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { CommandResult } from '../../common/contract.js';
import { connectControlSocket } from '../../rpc/socket/client.js';
import { openContext, resolveDataDir, type GlobalOptions } from '../context.js';
import { printable } from '../format.js';

type Zip = CommandResult<'diagnostics.create'>;

async function createZip(global: GlobalOptions): Promise<Zip> {
  const dataDir = resolveDataDir(global);
  let client;
  try {
    client = await connectControlSocket(dataDir);
  } catch {
    client = undefined;
  }
  if (client) {
    try {
      return await client.call('diagnostics.create', {});
    } finally {
      client.close();
    }
  }
  const context = await openContext(global, { signInFromEnv: false });
  try {
    return await context.engine['diagnostics.create']({});
  } finally {
    await context.close();
  }
}

export async function diagnosticsCommand(options: { output?: string }, global: GlobalOptions): Promise<number> {
  if (options.output === '') throw new Error('--output is empty: name the file to write, or leave it out.');
  const zip = await createZip(global);
  const target = path.resolve(options.output ?? zip.name);
  try {
    // Never over another file: a typo must not replace something of the user's.
    await copyFile(zip.path, target, constants.COPYFILE_EXCL);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new Error(`${target} already exists: choose another --output.`, { cause: error });
    throw new Error(`${target} cannot be written (${code ?? String(error)}).`, { cause: error });
  } finally {
    await rm(zip.path, { force: true });
  }
  process.stdout.write(
    `${printable(target)}\n` +
      `Diagnostics saved (${Math.ceil(zip.bytes / 1024)} KiB): recent logs, versions, settings and counts; no password, token or key.\n`,
  );
  return 0;
}
