// What the command line says when a command fails, and its exit code: the engine's and the running
// instance's errors in the user's terms (which option to change, what to do), safe to print.
import { InstanceLockedError } from '../host/instance-lock.js';
import { isStorageFull } from '../engine/state/db.js';
import { DataDirError } from '../host/data-dir.js';
import { RpcCallError } from '../common/rpc/errors.js';
import { NotRunningError } from './commands/control.js';
import { BadSettingError } from './config/keys.js';
import { resolveDataDir, type GlobalOptions } from './context.js';

export { printableLines } from './format.js';

export interface Failure {
  message: string;
  exitCode: number;
}

/** No instance to talk to, or another one holds the data folder. */
const EXIT_NO_INSTANCE = 3;
/** A setting's key or value that is not one (`hoist config set`, `--bwlimit`, `--transfers`). */
const EXIT_BAD_SETTING = 2;

export function describeFailure(error: unknown, global: GlobalOptions): Failure {
  if (error instanceof NotRunningError || error instanceof InstanceLockedError)
    return { message: error.message, exitCode: EXIT_NO_INSTANCE };
  if (error instanceof BadSettingError) return { message: error.message, exitCode: EXIT_BAD_SETTING };
  if (error instanceof DataDirError) {
    const where = global.data
      ? `--data ${error.dataDir}`
      : process.env.HOIST_DATA_DIR
        ? `HOIST_DATA_DIR (${error.dataDir})`
        : `the default data folder ${error.dataDir}`;
    return {
      message: `Cannot use ${where} as the data folder: ${error.reason}. Choose a folder you can write to with --data.`,
      exitCode: 1,
    };
  }
  if (isDiskFull(error)) {
    return {
      message:
        `The disk holding ${resolveDataDir(global)} is full. Free some space on it ` +
        "(or keep Hoist's state on another disk with --data), then run the command again.",
      exitCode: 1,
    };
  }
  // The running instance's own words (its machine code stays in `detail`).
  if (error instanceof RpcCallError) return { message: error.message, exitCode: 1 };
  return { message: error instanceof Error ? error.message : String(error), exitCode: 1 };
}

/** A full disk under the data folder, met here or by the running instance (its RPC error keeps the code). */
function isDiskFull(error: unknown): boolean {
  if (isStorageFull(error)) return true;
  if (error instanceof RpcCallError && isStorageFull({ code: error.detail })) return true;
  return error instanceof Error && /database or disk is full|no space left on device/i.test(error.message);
}
