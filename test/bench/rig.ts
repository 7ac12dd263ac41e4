// What every measurement runs on: test data, the local stack in its own process, and the three tools
// (Hoist's built command line, rclone, awscli) run against it.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { processCpuSeconds, timed, type RunMeasure } from './measure.js';
import type { FromStack, TimedEntry, ToStack } from './stack-child.js';
import { CONCURRENCY, MiB, PART, repo, USER, type Tool } from './options.js';

// ---------- data ----------

export const block = randomBytes(16 * MiB);
let fileSeed = 0;
export function writeData(file: string, size: number): void {
  const fd = openSync(file, 'w');
  try {
    const seed = fileSeed++;
    for (let offset = 0; offset < size; offset += block.length) {
      const n = Math.min(block.length, size - offset);
      // Every block differs (file number and offset in its first bytes): nothing can be deduplicated.
      block.writeUInt32LE(seed, 0);
      block.writeUInt32LE(offset / block.length, 4);
      writeSync(fd, block, 0, n);
    }
  } finally {
    closeSync(fd);
  }
}

export function makeFiles(dir: string, count: number, size: number, perDir = 1000): string[] {
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  for (let i = 0; i < count; i++) {
    const sub = count > perDir ? path.join(dir, `d${Math.floor(i / perDir)}`) : dir;
    if (i % perDir === 0) mkdirSync(sub, { recursive: true });
    const file = path.join(sub, `f${i}.bin`);
    if (size > MiB) writeData(file, size);
    else writeFileSync(file, size > 0 ? randomBytes(size) : '');
    files.push(file);
  }
  return files;
}

// ---------- the local stack, in its own process ----------

export interface StackHandle {
  child: ChildProcess;
  info: Extract<FromStack, { type: 'ready' }>['info'];
  entries(): Promise<TimedEntry[]>;
  watch(suffix: string, timeoutMs: number): Promise<TimedEntry>;
  cpu(): number;
  stop(): Promise<void>;
}

export async function startStack(dir: string): Promise<StackHandle> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repo, 'test/bench/stack-child.ts')], {
    cwd: repo,
    env: { ...process.env, BENCH_STACK_DIR: dir, BENCH_STACK_USERS: JSON.stringify([USER]) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const send = (m: ToStack) => child.send(m);
  const listeners = new Set<(m: FromStack) => void>();
  child.on('message', (m: FromStack) => {
    for (const l of [...listeners]) l(m);
  });
  const next = <T extends FromStack['type']>(
    type: T,
    match: (m: Extract<FromStack, { type: T }>) => boolean = () => true,
    timeoutMs = 60_000,
  ) =>
    new Promise<Extract<FromStack, { type: T }>>((resolve, reject) => {
      const timer = setTimeout(() => {
        listeners.delete(l);
        reject(new Error(`local stack: no ${type} message in ${timeoutMs} ms`));
      }, timeoutMs);
      const l = (m: FromStack) => {
        if (m.type === type && match(m as Extract<FromStack, { type: T }>)) {
          clearTimeout(timer);
          listeners.delete(l);
          resolve(m as Extract<FromStack, { type: T }>);
        }
      };
      listeners.add(l);
    });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const ready = await Promise.race([
    next('ready'),
    exited.then(() => Promise.reject(new Error('the local stack exited before it was ready'))),
  ]);
  let since = 0;
  return {
    child,
    info: ready.info,
    async entries() {
      const reply = next('entries');
      send({ type: 'entries', since });
      const { entries, next: n } = await reply;
      since = n;
      return entries;
    },
    async watch(suffix, timeoutMs) {
      const seen = next('seen', (m) => m.suffix === suffix, timeoutMs);
      send({ type: 'watch', suffix });
      return (await seen).entry;
    },
    cpu: () => processCpuSeconds(child.pid!),
    async stop() {
      if (child.exitCode !== null) return;
      send({ type: 'stop' });
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

// ---------- the tools ----------

export interface Ctx {
  work: string;
  /** The built probe (test/bench/build.ts): the engine as shipped, no TypeScript loader in the process measured. */
  probe: string;
  stack: StackHandle;
  peerEnv: NodeJS.ProcessEnv;
  runId: number;
}

/** The environment for the peers: the stack's admin credentials, nothing inherited from AWS_* (CA bundle, profile). */
export async function peerEnvironment(work: string, stack: StackHandle): Promise<NodeJS.ProcessEnv> {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('AWS_') && !k.startsWith('RCLONE_')) env[k] = v;
  const { accessKeyId, secretAccessKey } = stack.info.adminCredentials;
  const config = path.join(work, 'aws-config');
  const credentials = path.join(work, 'aws-credentials');
  await writeFile(
    config,
    `[default]\nregion = ${stack.info.region}\ns3 =\n  max_concurrent_requests = ${CONCURRENCY}\n  multipart_chunksize = ${PART / MiB}MB\n  multipart_threshold = ${PART / MiB}MB\n  addressing_style = path\n`,
  );
  await writeFile(
    credentials,
    `[default]\naws_access_key_id = ${accessKeyId}\naws_secret_access_key = ${secretAccessKey}\n`,
  );
  return {
    ...env,
    AWS_CONFIG_FILE: config,
    AWS_SHARED_CREDENTIALS_FILE: credentials,
    RCLONE_CONFIG_BENCH_TYPE: 's3',
    RCLONE_CONFIG_BENCH_PROVIDER: 'Other',
    RCLONE_CONFIG_BENCH_ACCESS_KEY_ID: accessKeyId,
    RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY: secretAccessKey,
    RCLONE_CONFIG_BENCH_ENDPOINT: stack.info.s3Endpoint,
    RCLONE_CONFIG_BENCH_REGION: stack.info.region,
    RCLONE_CONFIG_BENCH_FORCE_PATH_STYLE: 'true',
    RCLONE_CONFIG: path.join(work, 'rclone.conf'), // absent: everything comes from the environment
  };
}

export async function hoistDataDir(ctx: Ctx, settings: Record<string, unknown> = {}): Promise<string> {
  const data = path.join(ctx.work, 'hoist-state', `run-${ctx.runId++}`);
  mkdirSync(data, { recursive: true });
  await writeFile(
    path.join(data, 'settings.json'),
    JSON.stringify({ filesInParallel: CONCURRENCY, partsInParallel: CONCURRENCY, ...settings }),
  );
  return data;
}

/** The built command line (`npm run build:main`): what the installed `hoist` bin runs, no TypeScript loader. */
export const hoistCli = path.join(repo, 'out/node/hoist.js');

export function hoistArgs(data: string, brokerUrl: string, source: string, to: string): string[] {
  return [hoistCli, '--data', data, '--broker', brokerUrl, 'upload', source, '--to', to, '--json'];
}

export const hoistEnv = (): NodeJS.ProcessEnv => ({
  ...process.env,
  HOIST_USERNAME: USER.username,
  HOIST_PASSWORD: USER.password,
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
});

export async function runTool(
  ctx: Ctx,
  tool: Tool,
  source: string,
  single: boolean,
  workload: string,
): Promise<RunMeasure> {
  const { bucket, s3Endpoint, brokerUrl } = ctx.stack.info;
  if (tool === 'hoist') {
    const data = await hoistDataDir(ctx);
    return timed(process.execPath, hoistArgs(data, brokerUrl, source, `bench-${workload}`), {
      env: hoistEnv(),
      cwd: repo,
    });
  }
  if (tool === 'rclone') {
    const dest = `bench:${bucket}/rclone/${workload}${single ? `/${path.basename(source)}` : ''}`;
    // One file: its parts in parallel; many files: one request per file, so at most CONCURRENCY in flight either way.
    const args = [
      single ? 'copyto' : 'copy',
      source,
      dest,
      '-q',
      '--s3-no-check-bucket',
      '--no-check-dest',
      '--transfers',
      String(CONCURRENCY),
      '--s3-upload-concurrency',
      String(single ? CONCURRENCY : 1),
      '--s3-chunk-size',
      `${PART / MiB}M`,
      '--s3-upload-cutoff',
      `${PART / MiB}M`,
    ];
    return timed('/usr/bin/rclone', args, { env: ctx.peerEnv });
  }
  const dest = `s3://${bucket}/awscli/${workload}${single ? `/${path.basename(source)}` : '/'}`;
  return timed(
    '/usr/bin/aws',
    ['s3', 'cp', source, dest, ...(single ? [] : ['--recursive']), '--endpoint-url', s3Endpoint, '--only-show-errors'],
    { env: ctx.peerEnv },
  );
}
