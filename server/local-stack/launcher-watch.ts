// `npm run` starts us as npm → sh -c → tsx → node. npm passes SIGTERM to `sh`, and dash dies of it without
// passing it on, which would leave the stack running with nobody to stop it. So on Linux we also watch our
// launcher chain: once tsx's parent (the shell) is gone, we stop as if we had received the signal.
import { readFileSync } from 'node:fs';

const INTERVAL_MS = 500;

/** The parent pid of `pid` from /proc (Linux), or undefined where there is no /proc. */
function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces: state, ppid, …
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    return Number.isInteger(ppid) ? ppid : undefined;
  } catch {
    return undefined;
  }
}

/** Calls `onGone` once when our parent or grandparent goes away; returns a function that stops watching. */
export function watchLauncher(onGone: () => void): () => void {
  const parent = process.ppid;
  const grandparent = parentOf(parent);
  if (grandparent === undefined || grandparent <= 1) return () => {};
  const timer = setInterval(() => {
    if (process.ppid !== parent || parentOf(parent) !== grandparent) {
      clearInterval(timer);
      onGone();
    }
  }, INTERVAL_MS).unref();
  return () => clearInterval(timer);
}
