// The local stack killed mid-upload and started again on the same broker port and data, its cloud on
// other ports: the waiting upload asks the broker where storage is now and finishes there, instead of
// waiting at the old address for good.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { silentLogger } from '../../../server/broker/logger.js';
import { startLocalStack, type LocalStack } from '../../../server/local-stack/index.js';
import { startTestEngine, waitForTransfer, type TestEngine } from '../../support/engine.js';
import { objectDigest, sha256 } from '../../support/digest.js';

const MiB = 1024 * 1024;
const user = { username: 'moss', password: 'moving cloud passphrase 3' };
let work: string;
let stack: LocalStack | undefined;
let engine: TestEngine | undefined;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'hoist-cloud-moved-'));
});
afterAll(async () => {
  await engine?.close();
  await stack?.close();
  await rm(work, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

it('finishes an upload after the local cloud comes back on other ports', async () => {
  const port = await freePort();
  const stackDir = path.join(work, 'stack');
  const start = () => startLocalStack({ dataDir: stackDir, port, logger: silentLogger, users: [user] });
  stack = await start();
  const firstS3 = stack.s3Endpoint;
  engine = await startTestEngine({ brokerUrl: stack.brokerUrl });
  await engine.engine['session.signIn']({ username: user.username, password: user.password });
  await engine.engine['settings.update']({ bandwidthLimit: 2 * MiB });

  const file = path.join(work, 'moving.bin');
  const content = randomBytes(12 * MiB);
  writeFileSync(file, content);
  const { ids } = await engine.engine['transfers.add']({ paths: [file] });
  await waitForTransfer(engine.engine, ids[0]!, (t) => t.bytesDone > 0);

  await stack.close();
  stack = await start();
  expect(stack.s3Endpoint, 'the cloud came back on another port').not.toBe(firstS3);
  await engine.engine['settings.update']({ bandwidthLimit: null });

  const done = await waitForTransfer(engine.engine, ids[0]!, (t) => t.state === 'done' || t.state === 'failed', 90_000);
  expect(done.state, done.error?.message).toBe('done');
  const { identityId } = await engine.engine['session.get']({});
  const admin = new S3Client({
    region: stack.region,
    endpoint: stack.s3Endpoint,
    forcePathStyle: true,
    credentials: stack.adminCredentials,
  });
  try {
    expect((await objectDigest(admin, stack.bucket, `uploads/${identityId}/moving.bin`))?.sha).toBe(sha256(content));
  } finally {
    admin.destroy();
  }
});
