// The command line's view of a host: global options in, an engine out, logs as plain text lines.
import { InvalidArgumentError } from 'commander';
import { createLogger } from '../engine/log.js';
import { resolveDataDir as resolve, startHost, type Host } from '../host/index.js';

export interface GlobalOptions {
  data?: string;
  broker?: string;
  verbose?: boolean;
}

/** --broker's parser: refused here, naming the option, rather than as "Invalid URL" from deep inside. */
export function parseBrokerUrl(value: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url?.protocol !== 'http:' && url?.protocol !== 'https:') {
    throw new InvalidArgumentError('--broker needs an http:// or https:// URL of your sign-in service, e.g. https://sign-in.example.com.');
  }
  return value;
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
