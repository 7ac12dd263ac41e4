// The command line's view of a host: global options in, an engine out, logs as plain text lines.
import { createLogger } from '../engine/log.js';
import { resolveDataDir as resolve, startHost, type Host } from '../host/index.js';

export interface GlobalOptions {
  data?: string;
  broker?: string;
  verbose?: boolean;
}

export function resolveDataDir(options: GlobalOptions): string {
  return resolve(options.data);
}

export function openContext(options: GlobalOptions, { signInFromEnv = true } = {}): Promise<Host> {
  return startHost({
    ...(options.data ? { data: options.data } : {}),
    ...(options.broker ? { broker: options.broker } : {}),
    signInFromEnv,
    log: createLogger({ level: options.verbose ? 'debug' : 'warn', format: 'text' }),
  });
}
