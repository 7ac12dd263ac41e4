// Crash soak: `hoist upload` (the real CLI, engine and state DB in a child process) uploads a mixed tree
// to the real local cloud and broker; the child is SIGKILLed at random moments N times and started again
// with the same --data; a last run must finish. Then every file is in the bucket exactly once and byte
// for byte, no multipart upload is left open, and no part that was journaled before a kill was sent again.
//
//   npm run soak -- [--kills N] [--seed S] [--network-down-seconds S]
//
// The integration test test/integration/reliability/crash-soak.test.ts runs it with N = 20.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { MiB, sha256, startRig, type Rig } from '../integration/reliability/rig.js';
import { pollUntil } from '../support/poll.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface SoakOptions {
  kills: number;
  /** Seed for the kill moments (printed, so a failure can be replayed). */
  seed?: number;
  /** Sizes of the multi-part files. */
  large?: number[];
  small?: number;
  /** Bytes per second the engine may send (keeps the upload alive across the kills). */
  bandwidthLimit?: number;
  /** After the kills, take the network down for this long during the last run (0 = not). */
  networkDownSeconds?: number;
  log?: (line: string) => void;
}

export interface SoakResult {
  kills: Array<{ afterMs: number; journaledParts: number; exitedBeforeKill: boolean }>;
  finalExitCode: number | null;
  finalStderr: string;
  expectedKeys: string[];
  bucketKeys: string[];
  mismatched: string[];
  /** Multipart uploads left open that some run had journaled. */
  openUploads: string[];
  /** Left open by a kill during CreateMultipartUpload, before its id could be journaled. */
  unjournaledOpenUploads: number;
  /** "uploadId#part" sent again after a kill although it was journaled as finished before it. */
  resentJournaledParts: string[];
  uploadPartRequests: number;
}

const user = { username: 'soak', password: 'soak test password 99' };

/** A small deterministic PRNG (mulberry32) so a seed replays the same kill moments. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Child {
  exited: Promise<{ code: number | null; stdout: string; stderr: string }>;
  running(): boolean;
  kill(): void;
}

function hoist(args: string[]): Child {
  // node itself with the tsx loader: SIGKILL must hit the process that runs the engine
  const p = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'electron/cli/index.ts'), ...args], {
    cwd: root,
    env: { ...process.env, HOIST_USERNAME: user.username, HOIST_PASSWORD: user.password },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let alive = true;
  p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return {
    exited: new Promise((resolve) =>
      p.on('close', (code) => {
        alive = false;
        resolve({ code, stdout, stderr });
      }),
    ),
    running: () => alive,
    kill: () => p.kill('SIGKILL'),
  };
}

/** Upload ids the journal holds now: Hoist knows these and must complete or abort each one. */
function journaledUploads(dbPath: string): Set<string> {
  const db = new Database(dbPath, { fileMustExist: true });
  try {
    const rows = db.prepare('SELECT upload_id FROM transfers WHERE upload_id IS NOT NULL').all() as Array<{
      upload_id: string;
    }>;
    return new Set(rows.map((r) => r.upload_id));
  } catch {
    return new Set(); // killed before the schema existed
  } finally {
    db.close();
  }
}

function journaledParts(dbPath: string): Set<string> {
  const db = new Database(dbPath, { fileMustExist: true });
  try {
    const rows = db
      .prepare(
        'SELECT t.upload_id AS upload_id, p.number AS number FROM parts p JOIN transfers t ON t.id = p.transfer_id WHERE t.upload_id IS NOT NULL',
      )
      .all() as Array<{ upload_id: string; number: number }>;
    return new Set(rows.map((r) => `${r.upload_id}#${r.number}`));
  } catch {
    return new Set(); // killed before the schema existed
  } finally {
    db.close();
  }
}

export async function runCrashSoak(options: SoakOptions): Promise<SoakResult> {
  const log = options.log ?? (() => undefined);
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const random = prng(seed);
  log(`seed ${seed}, ${options.kills} kills`);
  const work = await mkdtemp(path.join(os.tmpdir(), 'hoist-soak-'));
  let rig: Rig | undefined;
  try {
    rig = await startRig({ users: [user] });
    const tree = path.join(work, 'Soak');
    mkdirSync(path.join(tree, 'small', 'deeper'), { recursive: true });
    const expected = new Map<string, string>();
    const put = (relative: string, size: number) => {
      const data = randomBytes(size);
      writeFileSync(path.join(tree, relative), data);
      expected.set(`soak/Soak/${relative}`, sha256(data));
    };
    (options.large ?? [21 * MiB + 3, 13 * MiB, 9 * MiB + 1]).forEach((size, i) => put(`large-${i}.bin`, size));
    for (let i = 0; i < (options.small ?? 30); i++)
      put(i % 2 ? `small/s-${i}.txt` : `small/deeper/s-${i}.txt`, i * 1531);

    const dataDir = path.join(work, 'data');
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    writeFileSync(
      path.join(dataDir, 'settings.json'),
      JSON.stringify({
        filesInParallel: 2,
        partsInParallel: 2,
        bandwidthLimit: options.bandwidthLimit ?? 8 * MiB,
        stabilityWindowMs: 0,
        ignorePatterns: [],
        startAtLogin: false,
      }),
    );
    const args = ['--data', dataDir, '--broker', rig.brokerUrl, 'upload', tree, '--to', 'soak', '--json'];
    const cloudLog = () => rig!.cloud.requestLog.entries();
    const kills: SoakResult['kills'] = [];
    const checkpoints: Array<{ logIndex: number; journaled: Set<string> }> = [];
    const knownUploads = new Set<string>();

    for (let k = 0; k < options.kills; k++) {
      const before = cloudLog().length;
      const child = hoist(args);
      // Wait until this run talks to S3 (or a while), then a random moment: mid-part, between parts,
      // during Complete, during start-up.
      const uploading = () =>
        cloudLog()
          .slice(before)
          .some((e) => e.protocol === 's3' && e.principal === 'identity');
      await pollUntil(() => !child.running() || uploading(), { timeoutMs: 5_000, intervalMs: 10 });
      const afterMs = Math.floor(random() * 2000);
      await new Promise((r) => setTimeout(r, afterMs));
      const exitedBeforeKill = !child.running();
      child.kill();
      await child.exited;
      const journaled = journaledParts(path.join(dataDir, 'state.db'));
      for (const id of journaledUploads(path.join(dataDir, 'state.db'))) knownUploads.add(id);
      checkpoints.push({ logIndex: cloudLog().length, journaled });
      kills.push({ afterMs, journaledParts: journaled.size, exitedBeforeKill });
      log(
        `kill ${k + 1}/${options.kills}: ${afterMs} ms after first S3 request, ${journaled.size} parts ` +
          `journaled${exitedBeforeKill ? ' (had already finished)' : ''}`,
      );
    }

    const last = hoist(args);
    if (options.networkDownSeconds) {
      await new Promise((r) => setTimeout(r, 1500));
      log(`network down for ${options.networkDownSeconds} s`);
      await rig.proxy.downFor(options.networkDownSeconds * 1000);
    }
    const final = await last.exited;
    for (const id of journaledUploads(path.join(dataDir, 'state.db'))) knownUploads.add(id);
    log(`last run exited ${final.code}`);

    const identityPrefix = (await rig.listKeys('uploads/'))[0]?.split('/').slice(0, 2).join('/') ?? 'uploads/?';
    const bucketKeys = (await rig.listKeys(`${identityPrefix}/`)).map((k) => k.slice(identityPrefix.length + 1));
    const mismatched: string[] = [];
    for (const [key, sha] of expected)
      if ((await rig.objectSha256(`${identityPrefix}/${key}`)) !== sha) mismatched.push(key);
    // One listing, split in two: "key#uploadId", journaled by some run or not.
    const openNow = await rig.openUploads('uploads/');
    const isJournaled = (open: string) => knownUploads.has(open.slice(open.lastIndexOf('#') + 1));
    const entries = cloudLog();
    const resent = new Set<string>();
    for (const c of checkpoints) {
      for (const e of entries.slice(c.logIndex)) {
        if (e.operation === 'UploadPart' && c.journaled.has(`${e.uploadId}#${e.partNumber}`))
          resent.add(`${e.uploadId}#${e.partNumber}`);
      }
    }
    return {
      kills,
      finalExitCode: final.code,
      finalStderr: final.stderr,
      expectedKeys: [...expected.keys()].sort(),
      bucketKeys: bucketKeys.sort(),
      mismatched,
      // A kill that lands while CreateMultipartUpload is on the wire leaves an upload nobody journaled:
      // the deployed role cannot list uploads to find it, so the bucket's AbortIncompleteMultipartUpload
      // rule removes it. Every upload Hoist did journal must be completed or aborted by Hoist.
      openUploads: openNow.filter((u) => isJournaled(u)),
      unjournaledOpenUploads: openNow.filter((u) => !isJournaled(u)).length,
      resentJournaledParts: [...resent],
      uploadPartRequests: entries.filter((e) => e.operation === 'UploadPart').length,
    };
  } finally {
    await rig?.close();
    await rm(work, { recursive: true, force: true });
  }
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const kills = Number(arg('kills') ?? 100);
  const seed = arg('seed') !== undefined ? Number(arg('seed')) : undefined;
  const result = await runCrashSoak({
    kills,
    ...(seed !== undefined ? { seed } : {}),
    networkDownSeconds: Number(arg('network-down-seconds') ?? 30),
    large: [40 * MiB + 3, 21 * MiB, 13 * MiB + 1],
    small: 200,
    log: (line) => console.log(line),
  });
  const problems = [
    result.finalExitCode === 0 ? '' : `last run exited ${result.finalExitCode}: ${result.finalStderr}`,
    JSON.stringify(result.bucketKeys) === JSON.stringify(result.expectedKeys)
      ? ''
      : `bucket keys differ from the files: ${JSON.stringify({ expected: result.expectedKeys, bucket: result.bucketKeys })}`,
    result.mismatched.length ? `content differs: ${result.mismatched.join(', ')}` : '',
    result.openUploads.length ? `multipart uploads left open: ${result.openUploads.join(', ')}` : '',
    result.resentJournaledParts.length ? `journaled parts sent again: ${result.resentJournaledParts.join(', ')}` : '',
  ].filter(Boolean);
  console.log(
    `${result.kills.length} kills, ${result.uploadPartRequests} UploadPart requests, ${result.expectedKeys.length} files, ${result.unjournaledOpenUploads} uploads left open by a kill during their creation`,
  );
  if (problems.length) {
    console.error(problems.join('\n'));
    process.exit(1);
  }
  console.log('soak passed');
}
