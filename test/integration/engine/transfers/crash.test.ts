// kill -9 at random points of a multipart upload, restart: the upload completes from the journal, and
// no part that was journaled before a kill is ever sent again.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Transfer } from '../../../../electron/common/contract.js';
import { openStateDb } from '../../../../electron/engine/state/db.js';
import type { ChildConfig } from './fixtures/upload-child.js';
import { objectDigest } from '../../../support/digest.js';
import {
  identityCredentials,
  incompleteUploads,
  MiB,
  newIdentityId,
  tempDir,
  useCloud,
  writeRandomFile,
} from './helpers.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const child = join(here, 'fixtures/upload-child.ts');

const env = useCloud();
let work: ReturnType<typeof tempDir>;

beforeAll(() => {
  work = tempDir('hoist-crash-');
});
afterAll(() => {
  work?.remove();
});

interface Run {
  exited: Promise<{ code: number | null; stdout: string; stderr: string }>;
  running(): boolean;
  kill(): void;
}

function runChild(config: ChildConfig): Run {
  // node itself (not the tsx wrapper, which would run the engine in a grandchild that SIGKILL misses)
  const p = spawn(process.execPath, ['--import', 'tsx', child, JSON.stringify(config)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return {
    exited: new Promise((resolve) => p.on('exit', (code) => resolve({ code, stdout, stderr }))),
    running: () => p.exitCode === null && p.signalCode === null,
    kill: () => p.kill('SIGKILL'),
  };
}

function partsUploaded(): number {
  return env.cloud.requestLog.entries().filter((e) => e.operation === 'UploadPart' && e.status === 200).length;
}

function journaledParts(dbPath: string): Set<string> {
  const db = openStateDb(dbPath);
  try {
    const rows = db.sqlite
      .prepare<[], { upload_id: string; number: number }>(
        'SELECT t.upload_id, p.number FROM parts p JOIN transfers t ON t.id = p.transfer_id',
      )
      .all();
    return new Set(rows.map((r) => `${r.upload_id}#${r.number}`));
  } finally {
    db.close();
  }
}

describe('crash safety', () => {
  it('resumes after kill -9 at random points and never re-sends a journaled part', async () => {
    const identityId = newIdentityId();
    const files = [
      { path: join(work.path, 'a.bin'), destination: 'crash/a.bin', size: 20 * MiB + 7 },
      { path: join(work.path, 'b.bin'), destination: 'crash/b.bin', size: 7 * MiB },
    ];
    const shas = files.map((f) => writeRandomFile(f.path, f.size));
    const dbPath = join(work.path, 'state.db');
    const config: ChildConfig = {
      dbPath,
      endpoint: env.cloud.s3Endpoint,
      region: env.cloud.region,
      bucket: env.cloud.bucket,
      identityId,
      credentials: identityCredentials(env.cloud, identityId),
      files: files.map(({ path, destination }) => ({ path, destination })),
      partSize: 5 * MiB,
      bandwidthLimit: 6 * MiB,
    };
    const kills: Array<{ logIndex: number; journaled: Set<string> }> = [];
    const points: string[] = [];
    for (let round = 0; round < 3; round++) {
      const before = partsUploaded();
      const run = runChild(config);
      // Kill once this run has finished 1–2 parts, plus a random delay: mid-part, between parts, at Complete.
      const target = before + 1 + Math.floor(Math.random() * 2);
      // (or the run finished everything first: then the kill lands after Complete)
      await expect
        .poll(() => partsUploaded() >= target || !run.running(), { timeout: 20_000, interval: 10 })
        .toBe(true);
      const delay = Math.floor(Math.random() * 400);
      points.push(`round ${round}: after ${partsUploaded() - before} parts + ${delay} ms`);
      await new Promise((r) => setTimeout(r, delay));
      run.kill();
      await run.exited;
      kills.push({ logIndex: env.cloud.requestLog.entries().length, journaled: journaledParts(dbPath) });
    }
    const last = await runChild({ ...config, bandwidthLimit: null }).exited;
    expect(last.code, `${points.join('; ')}\n${last.stderr}`).toBe(0);
    const transfers = JSON.parse(last.stdout.trim().split('\n').at(-1)!) as Transfer[];
    expect(transfers.map((t) => t.state)).toEqual(['done', 'done']);
    for (const [i, f] of files.entries()) {
      expect(await objectDigest(env.admin, env.cloud.bucket, `uploads/${identityId}/${f.destination}`)).toEqual({
        sha: shas[i],
        size: f.size,
      });
    }
    const log = env.cloud.requestLog.entries();
    for (const kill of kills) {
      const resent = log
        .slice(kill.logIndex)
        .filter((e) => e.operation === 'UploadPart' && kill.journaled.has(`${e.uploadId}#${e.partNumber}`));
      expect(
        resent.map((e) => `${e.uploadId}#${e.partNumber}`),
        points.join('; '),
      ).toEqual([]);
    }
    expect(await incompleteUploads(env.admin, env.cloud.bucket, `uploads/${identityId}/`)).toEqual([]);
  });
});
