// The control socket's opening exchange, before any RPC: the client's first line is {"secret": "…"};
// the server answers {"welcome": true} and starts serving, or an "unauthorized" error and hangs up.
// Nothing (not even an event) reaches a connection that has not presented the secret.
import type { Socket } from 'node:net';

/** The opening line is small: anything longer is not a client of ours. */
const maxHelloBytes = 4096;

export const welcome = { welcome: true } as const;

export const unauthorized = {
  id: -1,
  error: { code: 'unauthorized', message: 'This control socket needs the secret of the running Hoist.' },
} as const;

/**
 * Reads one line and leaves whatever followed it unread in the socket, which is paused: the caller
 * attaches its own reader, then resumes it. Resolves undefined when the socket ends, errs, or sends a
 * longer first line.
 */
export function readFirstLine(socket: Socket): Promise<string | undefined> {
  socket.setEncoding('utf8');
  return new Promise((resolve) => {
    let buffer = '';
    const finish = (line: string | undefined) => {
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('close', onEnd);
      socket.pause();
      resolve(line);
    };
    const onEnd = () => finish(undefined);
    const onData = (chunk: string) => {
      buffer += chunk;
      const newline = buffer.indexOf('\n');
      if (newline < 0) {
        if (buffer.length > maxHelloBytes) finish(undefined);
        return;
      }
      const rest = buffer.slice(newline + 1);
      finish(buffer.slice(0, newline));
      if (rest !== '') socket.unshift(rest, 'utf8');
    };
    socket.on('data', onData);
    socket.once('end', onEnd);
    socket.once('close', onEnd);
  });
}

export function parseLine(line: string | undefined): unknown {
  if (line === undefined) return undefined;
  try {
    return JSON.parse(line) as unknown;
  } catch {
    return undefined;
  }
}
