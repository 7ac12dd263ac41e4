// --broker's value checked as commander parses it: kept apart from context.ts so that parsing the command
// line loads nothing of the engine (start-up pays only for what the command run needs).
import { InvalidArgumentError } from 'commander';

/** --broker's parser: refused here, naming the option, rather than as "Invalid URL" from deep inside. */
export function parseBrokerUrl(value: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url?.protocol !== 'http:' && url?.protocol !== 'https:') {
    throw new InvalidArgumentError(
      '--broker needs an http:// or https:// URL of your sign-in service, e.g. https://sign-in.example.com.',
    );
  }
  return value;
}
