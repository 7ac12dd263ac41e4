// The command line's view of a host: global options in, an engine out, logs as plain text lines.
import type { Settings } from '../common/contract.js';
import { createLogger } from '../engine/platform/log.js';
import { resolveDataDir as resolve, startHost, type Host } from '../host/index.js';
import { printable } from './format.js';

export { parseBrokerUrl } from './broker-url.js';

export interface GlobalOptions {
  data?: string;
  broker?: string;
  verbose?: boolean;
}

export function resolveDataDir(options: GlobalOptions): string {
  checkGlobalOptions(options);
  return resolve(options.data);
}

/** Refuses option values that would quietly mean something else, naming the option. */
function checkGlobalOptions(options: GlobalOptions): void {
  // Without this, `--data ''` meant the current folder for `status` and the default folder for `upload`.
  if (options.data === '')
    throw new Error('--data is empty: give the folder for Hoist’s state, or leave out --data to use the default one.');
  if (options.broker === '')
    throw new Error(
      '--broker is empty: give the identity broker URL, or leave out --broker to use the built-in local cloud.',
    );
}

export function openContext(
  options: GlobalOptions,
  {
    signInFromEnv = true,
    openUrl,
    runSettings = {} as Partial<Settings>,
    logToFile,
  }: {
    signInFromEnv?: boolean;
    openUrl?: (url: string) => Promise<void>;
    runSettings?: Partial<Settings>;
    /** The long-running commands (`upload`, `sync`) also log to the data folder's logs/, named so. */
    logToFile?: string;
  } = {},
): Promise<Host> {
  checkGlobalOptions(options);
  return startHost({
    logToFile: logToFile !== undefined,
    ...(logToFile !== undefined ? { kind: logToFile } : {}),
    ...(openUrl ? { openUrl } : {}),
    ...(options.data !== undefined ? { data: options.data } : {}),
    ...(options.broker ? { broker: options.broker } : {}),
    signInFromEnv,
    runSettings,
    // Log lines carry paths and server messages: escaped, so no file name can drive the terminal.
    log: createLogger({
      level: options.verbose ? 'debug' : 'warn',
      format: 'text',
      sink: (line) => process.stderr.write(`${printable(line)}\n`),
    }),
  });
}
