// A reader that goes away (`hoist status | head -1`) ends the command quietly, as it would any Unix
// tool: no stack trace, and the conventional exit code of a process killed by SIGPIPE.
export const EXIT_CLOSED_OUTPUT = 128 + 13;

export function endQuietlyWhenOutputCloses(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(EXIT_CLOSED_OUTPUT);
      throw error;
    });
  }
}
