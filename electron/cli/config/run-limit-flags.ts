// `--bwlimit` and `--transfers` as commander options, apart from their parsers (run-options.ts), which
// need the setting keys: the command line declares them without loading those (electron/cli/index.ts).
import { Option } from 'commander';

export interface RunLimitParsers {
  bwlimit: (text: string) => number | null;
  transfers: (text: string) => number;
}

/** The two options; without parsers they are declared for the help's listing only and never parsed. */
export function runLimitFlags(parse?: RunLimitParsers): Option[] {
  const bwlimit = new Option(
    '--bwlimit <size>',
    'upload speed limit for this run, bytes per second: 512k, 10M, 1.5G (KiB, MiB, GiB), or off',
  );
  const transfers = new Option('--transfers <n>', 'files uploaded at a time for this run (1 to 64)');
  if (parse) {
    bwlimit.argParser(parse.bwlimit);
    transfers.argParser(parse.transfers);
  }
  return [bwlimit, transfers];
}
