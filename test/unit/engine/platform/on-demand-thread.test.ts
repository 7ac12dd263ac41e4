// A worker thread started on demand: real threads (an inline echo program), real timers. It answers, ends
// once unused for its idle time, starts again for the next piece of work, and reports its own death.
import { Worker } from 'node:worker_threads';
import { afterEach, expect, it, vi } from 'vitest';
import { OnDemandThread } from '../../../../electron/engine/platform/on-demand-thread.js';

const ECHO = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', (m) => (m === 'die' ? process.exit(7) : parentPort.postMessage(m * 2)));
`;

const threads: Array<OnDemandThread<unknown, number>> = [];
afterEach(async () => {
  for (const t of threads.splice(0)) await t.stop();
});

function echoThread(idleMs: number) {
  const started: Worker[] = [];
  const replies: number[] = [];
  const deaths: Error[] = [];
  const thread = new OnDemandThread<unknown, number>({
    start: () => {
      const worker = new Worker(ECHO, { eval: true });
      started.push(worker);
      return worker;
    },
    idleMs,
    label: 'echo thread',
    onReply: (reply) => replies.push(reply),
    onDeath: (error) => deaths.push(error),
  });
  threads.push(thread);
  return { thread, started, replies, deaths };
}

const exited = (worker: Worker) => new Promise<number>((resolve) => worker.once('exit', resolve));

it('starts on the first post, answers, and ends once unused for its idle time', async () => {
  const { thread, started, replies } = echoThread(50);
  expect(started).toHaveLength(0);
  thread.post(2);
  thread.post(3);
  await expect.poll(() => replies).toEqual([4, 6]);
  expect(started).toHaveLength(1);
  const end = exited(started[0]!);
  thread.idle();
  await end;
  thread.post(5);
  await expect.poll(() => replies).toEqual([4, 6, 10]);
  expect(started).toHaveLength(2);
});

it('stays while work keeps coming within its idle time', async () => {
  // Only the idle timer is faked: the test decides when the idle time runs out, not the machine's load.
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  try {
    const { thread, started, replies } = echoThread(200);
    thread.post(1);
    await expect.poll(() => replies).toEqual([2]);
    thread.idle();
    vi.advanceTimersByTime(150);
    thread.post(2); // before the idle time ran out: the same thread, and its end is called off
    await expect.poll(() => replies).toEqual([2, 4]);
    vi.advanceTimersByTime(1_000);
    thread.post(3);
    await expect.poll(() => replies).toEqual([2, 4, 6]);
    expect(started).toHaveLength(1);
  } finally {
    vi.useRealTimers();
  }
});

it('reports a thread that dies with work out, and starts a new one for the next post', async () => {
  const { thread, started, replies, deaths } = echoThread(1_000);
  thread.post('die');
  await expect.poll(() => deaths.length).toBe(1);
  expect(deaths[0]!.message).toBe('the echo thread exited (7)');
  thread.post(4);
  await expect.poll(() => replies).toEqual([8]);
  expect(started).toHaveLength(2);
});

it('stop() ends the thread without reporting a death', async () => {
  const { thread, started, replies, deaths } = echoThread(1_000);
  thread.post(1);
  await expect.poll(() => replies).toEqual([2]);
  const end = exited(started[0]!);
  await thread.stop();
  await end;
  expect(deaths).toEqual([]);
});
