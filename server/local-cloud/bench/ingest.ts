// CPU per GiB ingested by the local cloud (issue 3: ≤ 3 CPU-seconds per GiB). Runs the local cloud in a
// child process, uploads a file through the AWS SDK v3 with a stream body and default checksums (so the
// body is `aws-chunked` with a CRC32 trailer), and reads the child's CPU time (user + system) from
// /proc/<pid>/stat before and after. With --parts N the same bytes go up as a multipart upload (UploadPart
// streams, also aws-chunked) and CompleteMultipartUpload's CPU is reported on its own. With --plain each
// body goes as Hoist sends it: a Content-Length and the CRC32 in an x-amz-checksum-crc32 header, no
// aws-chunked framing (the client reads each part into memory first).
//
//   npx tsx server/local-cloud/bench/ingest.ts [--size-mib 1024] [--parts 0] [--runs 1] [--plain] [--json]
//                                              [--cpu-prof DIR]   (node --cpu-prof of the child)
//
// Linux only (/proc). The numbers are CPU-seconds of the cloud process alone, not of the uploader.
// Every run writes the same key, so from run 2 on the previous object's blob is deleted and its page-cache
// pages are free again. On a VM the first run also pays for the guest touching never-used memory for the
// new page cache (seen as kernel time in copy_folio_from_iter_atomic: `dd` of 1 GiB to a new file costs
// ~1.8 s of system time the first time here, ~0.2 s once memory is warm), so report run 1 and the later
// runs separately.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, createReadStream, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { crc32 } from 'node:zlib';
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  type CompletedPart,
} from '@aws-sdk/client-s3';

const MiB = 1024 * 1024;
const CLOCK_TICKS = 100; // sysconf(_SC_CLK_TCK) on Linux

interface ChildInfo {
  url: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/** The child: a local cloud on port 0 in the given folder; prints its address as one JSON line. */
async function runChild(): Promise<void> {
  const dataDir = process.argv[process.argv.indexOf('--child') + 1] ?? '';
  const { startLocalCloud } = await import('../index.js');
  const cloud = await startLocalCloud({ dataDir, port: 0 });
  const info: ChildInfo = {
    url: cloud.s3Endpoint,
    region: cloud.region,
    bucket: cloud.bucket,
    ...cloud.adminCredentials,
  };
  process.stdout.write(`${JSON.stringify(info)}\n`);
  const stop = (): void => void cloud.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

/** utime + stime of a process, in seconds. */
function cpuSeconds(pid: number): { user: number; system: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from #3 (state) on
  return { user: Number(fields[11]) / CLOCK_TICKS, system: Number(fields[12]) / CLOCK_TICKS };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'size-mib': { type: 'string', default: '1024' },
      parts: { type: 'string', default: '0' },
      runs: { type: 'string', default: '1' },
      json: { type: 'boolean', default: false },
      plain: { type: 'boolean', default: false },
      'cpu-prof': { type: 'string' },
    },
  });
  const size = Number(values['size-mib']) * MiB;
  const parts = Number(values.parts);
  const plain = values.plain ?? false;
  const runs = Number(values.runs);
  const work = mkdtempSync(join(tmpdir(), 'hoist-ingest-bench-'));
  const source = join(work, 'source.bin');
  writeSource(source, size);

  const nodeArgs = [
    '--import',
    'tsx',
    ...(values['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', values['cpu-prof']] : []),
  ];
  const child = spawn(process.execPath, [...nodeArgs, fileURLToPath(import.meta.url), '--child', join(work, 'cloud')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const info = await readyLine(child);
    const s3 = new S3Client({
      endpoint: info.url,
      region: info.region,
      forcePathStyle: true,
      credentials: { accessKeyId: info.accessKeyId, secretAccessKey: info.secretAccessKey },
    });
    const results = [];
    for (let run = 0; run < runs; run++) {
      const pid = child.pid ?? 0;
      const before = cpuSeconds(pid);
      const started = process.hrtime.bigint();
      let completeCpu: number | undefined;
      if (parts > 0) {
        const key = 'bench/multipart.bin';
        const { UploadId } = await s3.send(
          new CreateMultipartUploadCommand({ Bucket: info.bucket, Key: key, ChecksumAlgorithm: 'CRC32' }),
        );
        const partSize = Math.ceil(size / parts);
        const done: CompletedPart[] = [];
        for (let n = 1; n <= parts; n++) {
          const start = (n - 1) * partSize;
          const end = Math.min(size, n * partSize) - 1;
          const res = await s3.send(
            new UploadPartCommand({
              Bucket: info.bucket,
              Key: key,
              UploadId,
              PartNumber: n,
              ContentLength: end - start + 1,
              ...partBody(source, start, end, plain),
            }),
          );
          done.push({
            PartNumber: n,
            ETag: res.ETag ?? '',
            ...(res.ChecksumCRC32 ? { ChecksumCRC32: res.ChecksumCRC32 } : {}),
          });
        }
        const beforeComplete = cpuSeconds(pid);
        await s3.send(
          new CompleteMultipartUploadCommand({
            Bucket: info.bucket,
            Key: key,
            UploadId,
            MultipartUpload: { Parts: done },
          }),
        );
        const afterComplete = cpuSeconds(pid);
        completeCpu = afterComplete.user + afterComplete.system - beforeComplete.user - beforeComplete.system;
      } else {
        await s3.send(
          new PutObjectCommand({
            Bucket: info.bucket,
            Key: 'bench/put.bin',
            ContentLength: size,
            ...partBody(source, 0, size - 1, plain),
          }),
        );
      }
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const after = cpuSeconds(pid);
      const user = after.user - before.user;
      const system = after.system - before.system;
      const gib = size / 1024 ** 3;
      results.push({
        mode: `${parts > 0 ? `multipart×${parts}` : 'PutObject'}${plain ? ' (plain)' : ''}`,
        run: run + 1,
        gib,
        wallSeconds: round(seconds),
        cpuUserSeconds: round(user),
        cpuSystemSeconds: round(system),
        cpuSecondsPerGiB: round((user + system) / gib),
        ...(completeCpu !== undefined ? { completeCpuSeconds: round(completeCpu) } : {}),
      });
    }
    if (values.json) process.stdout.write(`${JSON.stringify(results)}\n`);
    else for (const r of results) console.log(r);
  } finally {
    await stopChild(child);
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * The bytes [start, end] as a request body: a file stream (aws-chunked, the SDK's CRC32 trailer), or with
 * `plain` read into memory and sent as a stream of that buffer with its CRC32 in a header, as Hoist does.
 */
function partBody(
  path: string,
  start: number,
  end: number,
  plain: boolean,
): { Body: Readable; ChecksumCRC32?: string } {
  if (!plain) return { Body: createReadStream(path, { start, end, highWaterMark: MiB }) };
  const data = Buffer.allocUnsafe(end - start + 1);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, data, 0, data.length, start);
  } finally {
    closeSync(fd);
  }
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(data) >>> 0);
  return { Body: Readable.from([data]), ChecksumCRC32: crc.toString('base64') };
}

const round = (n: number): number => Math.round(n * 100) / 100;

function writeSource(path: string, size: number): void {
  const fd = openSync(path, 'w');
  const block = randomBytes(8 * MiB);
  try {
    for (let written = 0; written < size;) {
      const n = Math.min(block.length, size - written);
      writeSync(fd, block, 0, n);
      written += n;
    }
  } finally {
    closeSync(fd);
  }
}

function readyLine(child: ChildProcess): Promise<ChildInfo> {
  return new Promise((resolve, reject) => {
    if (!child.stdout) return reject(new Error('no stdout'));
    const lines = createInterface({ input: child.stdout });
    lines.once('line', (line) => resolve(JSON.parse(line) as ChildInfo));
    child.once('exit', (code) => reject(new Error(`local cloud exited early (${code})`)));
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

// Last, so every module-level constant above is initialised before either side runs.
if (process.argv.includes('--child')) {
  await runChild();
} else {
  await main();
}
