// The whole engine (createEngine: sign-in through the broker, Cognito credentials, queue, folder sync)
// uploading a mixed workload through the fault proxy, one fault per case: every file must arrive byte for
// byte, exactly once, with no multipart upload left open — and the fault must really have fired.
// (Stalled sockets are covered with a 1 s stall timeout in test/integration/engine/transfers/faults.test.ts;
// the engine's default 30 s timeout makes them too slow for this table.)
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEngine } from '../../support/engine.js';
import {
  isCompleteMultipart,
  isPutObject,
  isS3Write,
  isUploadPart,
  type FaultProxy,
} from '../../support/fault-proxy.js';
import { MiB, startRig, type Rig } from './rig.js';
import { makeWorkload } from './workload.js';

const user = { username: 'faulty', password: 'fault tolerant password 1' };
let rig: Rig;
let work: string;

beforeAll(async () => {
  rig = await startRig({ users: [user] });
  work = await mkdtemp(path.join(os.tmpdir(), 'hoist-faults-'));
});
afterAll(async () => {
  await rig?.close();
  await rm(work, { recursive: true, force: true });
});

interface FaultCase {
  name: string;
  /** Arms the fault before the workload starts. */
  arm(proxy: FaultProxy): void;
  /** Runs alongside the workload (e.g. the network going away for a while). */
  during?(proxy: FaultProxy): Promise<void>;
  /** Proof that the fault happened. */
  fired(proxy: FaultProxy): boolean;
}

const cases: FaultCase[] = [
  { name: 'latency 150 ms per request', arm: (p) => p.setLatency(150), fired: (p) => p.forwarded() > 0 },
  {
    name: 'bandwidth capped at 4 MiB/s per connection',
    arm: (p) => p.setBandwidth(4 * MiB),
    fired: (p) => p.forwarded() > 0,
  },
  {
    name: 'connections reset mid-body (parts and single PUTs)',
    arm: (p) => {
      p.resetNext(2, isUploadPart);
      p.resetNext(3, isPutObject);
    },
    fired: (p) => p.fired().reset === 5,
  },
  {
    name: 'bursts of 503 SlowDown and 500 InternalError',
    arm: (p) => {
      p.failNext(6, 503, 'SlowDown', isS3Write);
      p.failNext(3, 500, 'InternalError', isS3Write);
    },
    fired: (p) => p.fired().fail === 9,
  },
  {
    name: 'truncated or lost responses after the server acted (Complete, PUT, part)',
    arm: (p) => {
      p.truncateNext(1, isCompleteMultipart);
      p.truncateNext(2, isPutObject);
      p.truncateNext(1, isUploadPart);
    },
    fired: (p) => p.fired().truncate === 4,
  },
  {
    name: 'network down (connections refused) for 3 s mid-upload',
    arm: () => undefined,
    during: async (p) => {
      await expect.poll(() => p.forwarded(), { timeout: 30_000, interval: 20 }).toBeGreaterThan(2);
      await p.downFor(3000);
    },
    fired: () => true,
  },
];

describe('a mixed workload through the fault proxy', () => {
  it.each(cases)('completes byte-identical under: $name', async (fault) => {
    const engineDir = await mkdtemp(path.join(work, 'engine-'));
    const files = await mkdtemp(path.join(work, 'files-'));
    const engine = await startTestEngine({ brokerUrl: rig.brokerUrl, dataDir: engineDir });
    const p = rig.proxy;
    try {
      await engine.engine['session.signIn']({ username: user.username, password: user.password });
      const workload = makeWorkload(files, fault.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 40));
      fault.arm(p);
      await workload.start(engine.engine);
      await fault.during?.(p);
      await workload.verify(engine.engine, rig);
      expect(fault.fired(p), JSON.stringify(p.fired())).toBe(true);
      expect(p.pending()).toBe(0);
    } finally {
      p.setLatency(0);
      p.setBandwidth(null);
      await engine.close();
    }
  });
});
