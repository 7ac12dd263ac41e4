// The local stack as its own process, so the benchmark can read the local cloud's CPU time from /proc
// apart from the clients'. Talks to the parent over IPC: it sends {type: 'ready', info} once listening,
// answers {type: 'entries', since} with request-log entries (each with its duration), and
// {type: 'watch', suffix} with the first PutObject / CreateMultipartUpload whose key ends so.
// Started by test/bench/run.ts; depends only on server/local-stack.
import { startLocalStack } from '../../server/local-stack/index.js';
import { silentLogger } from '../../server/broker/logger.js';
import type { RequestLogEntry } from '../../server/local-cloud/request-log.js';

export interface TimedEntry extends RequestLogEntry {
  /** Milliseconds from the request's arrival to its response being finished (or abandoned). */
  durationMs: number;
}

export type ToStack = { type: 'entries'; since: number } | { type: 'watch'; suffix: string } | { type: 'stop' };
export type FromStack =
  | { type: 'ready'; info: ReturnType<Awaited<ReturnType<typeof startLocalStack>>['info']> }
  | { type: 'entries'; entries: TimedEntry[]; next: number }
  | { type: 'seen'; suffix: string; entry: TimedEntry };

const send = (message: FromStack): void => {
  process.send?.(message);
};

const dataDir = process.env.BENCH_STACK_DIR;
const users = JSON.parse(process.env.BENCH_STACK_USERS ?? '[]') as Array<{ username: string; password: string }>;
if (!dataDir) throw new Error('BENCH_STACK_DIR is required');

const stack = await startLocalStack({ dataDir, port: 0, users, logger: silentLogger });
// Everything is kept here (not in the bounded in-memory log), so that long runs lose nothing.
const all: TimedEntry[] = [];
const watches = new Set<string>();
const log = stack.cloud.requestLog;
const append = log.append.bind(log);
log.append = (entry) => {
  const timed = { ...entry, durationMs: Date.now() - Date.parse(entry.time) };
  all.push(timed);
  append(entry);
};
// A watch is answered as soon as the request arrives, from the handler's own context (the log entry
// is appended when the response ends, which for a long PUT is much later than "upload started").
const handler = (entry: TimedEntry): void => {
  for (const suffix of watches) {
    if (
      entry.key?.endsWith(suffix) &&
      (entry.operation === 'PutObject' || entry.operation === 'CreateMultipartUpload')
    ) {
      watches.delete(suffix);
      send({ type: 'seen', suffix, entry });
    }
  }
};
const timer = setInterval(() => {
  if (watches.size === 0) return;
  for (let i = Math.max(0, all.length - 200); i < all.length; i++) handler(all[i]!);
}, 5);

process.on('message', (message: ToStack) => {
  if (message.type === 'entries') send({ type: 'entries', entries: all.slice(message.since), next: all.length });
  else if (message.type === 'watch') watches.add(message.suffix);
  else if (message.type === 'stop') void shutdown();
});
process.on('disconnect', () => void shutdown());
process.on('SIGTERM', () => void shutdown());

let stopping = false;
async function shutdown(): Promise<void> {
  if (stopping) return;
  stopping = true;
  clearInterval(timer);
  await stack.close();
  process.exit(0);
}

send({ type: 'ready', info: stack.info() });
