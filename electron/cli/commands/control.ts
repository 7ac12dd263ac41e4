// `hoist status|pause|resume|cancel`: steer the Hoist that is running on this data folder (the
// desktop app, the headless mode, `hoist sync` or another `hoist upload`) over its control socket.
import { RpcCallError } from '../../common/rpc/errors.js';
import { connectControlSocket, RunningRefusedError, type ControlClient } from '../../rpc/socket/client.js';
import { resolveDataDir, type GlobalOptions } from '../context.js';
import { formatBytes, formatDuration, printable } from '../format.js';

export class NotRunningError extends Error {
  override readonly name = 'NotRunningError';
}

async function connect(global: GlobalOptions): Promise<ControlClient> {
  const dataDir = resolveDataDir(global);
  try {
    return await connectControlSocket(dataDir);
  } catch (error) {
    if (error instanceof RpcCallError && error.code === 'unauthorized') throw new RunningRefusedError(dataDir);
    throw new NotRunningError(
      `No Hoist is running on ${dataDir}. Start one with \`hoist sync\`, \`npm start\` or \`npm run headless\`.`,
    );
  }
}

/** Unfinished (and failed) transfers listed by `hoist status`, newest first; the rest are counted. */
const SHOWN = 50;

export async function statusCommand(options: { json?: boolean }, global: GlobalOptions): Promise<number> {
  const client = await connect(global);
  try {
    const [session, totals, folders] = await Promise.all([
      client.call('session.get', {}),
      client.call('transfers.totals', {}),
      client.call('folders.list', {}),
    ]);
    if (options.json) {
      // Scripts get every transfer; people get the unfinished ones that fit on a screen.
      const transfers = await client.call('transfers.list', { filter: 'all' });
      process.stdout.write(`${JSON.stringify({ session, totals, transfers, folders }, null, 2)}\n`);
      return 0;
    }
    const [unfinished, failed] = await Promise.all([
      client.call('transfers.list', { filter: 'active', limit: SHOWN }),
      client.call('transfers.list', { filter: 'failed', limit: SHOWN }),
    ]);
    const who = session.username ? `${printable(session.username)} (${session.state})` : session.state;
    process.stdout.write(`session: ${who}${session.localMode ? ', local mode' : ''}\n`);
    process.stdout.write(
      `transfers: ${totals.active} active, ${totals.queued} queued, ${totals.failed} failed, ${totals.done} done${totals.pausedAll ? ', all paused' : ''}; ` +
        `${formatBytes(totals.bytesDone)} of ${formatBytes(totals.bytesTotal)}` +
        (totals.active > 0 && totals.rate > 0 ? ` at ${formatBytes(totals.rate)}/s` : '') +
        (totals.active > 0 && totals.etaSeconds !== undefined ? `, ${formatDuration(totals.etaSeconds)} left` : '') +
        '\n',
    );
    for (const t of [...unfinished, ...failed]) {
      const error = t.error ? `  ${printable(t.error.message)}` : '';
      process.stdout.write(
        `  ${t.id}  ${t.state.padEnd(9)} ${printable(t.destination)}  ${formatBytes(t.bytesDone)}/${formatBytes(t.size)}${error}\n`,
      );
    }
    const notShown = totals.all - totals.done - unfinished.length - failed.length;
    if (notShown > 0) process.stdout.write(`  … and ${notShown} more (\`hoist status --json\` lists every transfer)\n`);
    for (const f of folders) process.stdout.write(`folder: ${printable(f.path)} (${f.state})\n`);
    return 0;
  } finally {
    client.close();
  }
}

/** The transfer id the user gave is not one the running instance has. */
export class UnknownTransferIdError extends Error {
  override readonly name = 'UnknownTransferIdError';
  constructor(id: string) {
    super(
      `There is no transfer with id "${id}". \`hoist status\` lists the unfinished ones and their ids (\`hoist status --json\` every one).`,
    );
  }
}

export async function transferCommand(
  action: 'pause' | 'resume' | 'cancel',
  id: string | undefined,
  options: { all?: boolean },
  global: GlobalOptions,
): Promise<number> {
  if (!id && !options.all) throw new Error(`Say which transfer to ${action} (an id from \`hoist status\`), or --all.`);
  const client = await connect(global);
  try {
    if (options.all) process.stdout.write(`${await steerAll(client, action)}\n`);
    else await steerOne(client, action, id!);
    return 0;
  } finally {
    client.close();
  }
}

async function steerAll(client: ControlClient, action: 'pause' | 'resume' | 'cancel'): Promise<string> {
  if (action === 'pause') {
    await client.call('transfers.pauseAll', {});
    return 'Paused all transfers: none starts until `hoist resume --all`.';
  }
  if (action === 'resume') {
    await client.call('transfers.resumeAll', {});
    return 'Resumed all transfers.';
  }
  // One command: the queue stops starting transfers while it cancels, so none finishes behind our back.
  const { cancelled } = await client.call('transfers.cancelAll', {});
  if (cancelled === 0) return 'Nothing to cancel: no transfer is unfinished.';
  return `Cancelled ${cancelled} transfer${cancelled === 1 ? '' : 's'}.`;
}

async function steerOne(client: ControlClient, action: 'pause' | 'resume' | 'cancel', id: string): Promise<void> {
  try {
    await client.call(`transfers.${action}`, { id });
  } catch (error) {
    // Not even shaped like an id (invalid_params), or no transfer has it.
    const unknown =
      error instanceof RpcCallError && (error.code === 'invalid_params' || error.detail === 'unknown_transfer');
    throw unknown ? new UnknownTransferIdError(id) : error;
  }
}
