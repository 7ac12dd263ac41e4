// Engine-only figures: start-up, memory for a big file, parts sent again after kill -9, watched folders,
// latency from a file settling to its upload, and event rates; each in a probe process (test/bench/probe.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ProbeConfig, ProbeMessage } from './probe.js';
import { median, percentile, processCpuSeconds, processRss, timed } from './measure.js';
import { MiB, PART, CONCURRENCY, repo, USER, type Profile } from './options.js';
import { SETTLE_MS, describeFolderRun, type EngineFigures, type FolderRun } from './report.js';
import { hoistArgs, hoistCli, hoistDataDir, hoistEnv, type Ctx } from './rig.js';
import { stateDbBytes } from './scaling.js';
import type { TimedEntry } from './stack-child.js';

export function startProbe(
  ctx: Ctx,
  config: ProbeConfig,
  env: NodeJS.ProcessEnv = {},
): {
  child: ChildProcess;
  next: <T extends ProbeMessage['type']>(type: T, timeoutMs: number) => Promise<Extract<ProbeMessage, { type: T }>>;
} {
  const child = spawn(process.execPath, [ctx.probe], {
    cwd: repo,
    env: { ...hoistEnv(), ...env, BENCH_PROBE: JSON.stringify(config) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const messages: ProbeMessage[] = [];
  const waiters = new Set<() => void>();
  child.on('message', (m: ProbeMessage) => {
    messages.push(m);
    for (const w of [...waiters]) w();
  });
  const next = <T extends ProbeMessage['type']>(type: T, timeoutMs: number) =>
    new Promise<Extract<ProbeMessage, { type: T }>>((resolve, reject) => {
      const timer = setTimeout(
        () => done(new Error(`probe (${config.mode}): no ${type} in ${timeoutMs} ms`)),
        timeoutMs,
      );
      const done = (error?: Error, value?: ProbeMessage) => {
        clearTimeout(timer);
        waiters.delete(check);
        if (error) reject(error);
        else resolve(value as Extract<ProbeMessage, { type: T }>);
      };
      const check = () => {
        const error = messages.find((m) => m.type === 'error');
        if (error && error.type === 'error') return done(new Error(`probe (${config.mode}): ${error.message}`));
        const i = messages.findIndex((m) => m.type === type);
        if (i >= 0) done(undefined, messages.splice(i, 1)[0]);
      };
      waiters.add(check);
      child.once('exit', () => done(new Error(`probe (${config.mode}) exited`)));
      check();
    });
  return { child, next };
}

export async function stopProbe(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

/** How long after reconciled (and after the bare engine is ready) its resident set is read. */

/**
 * The watched-folder figures: first a bare engine (signed in, uploads paused, no folder) for a baseline,
 * then a big folder, with the default watcher and then with the fallback (chokidar), each in a fresh
 * engine: time until every file is queued (uploads paused), then the idle engine.
 */
export async function folderFigures(
  ctx: Ctx,
  profile: Profile,
  dataDir: string,
  log: (s: string) => void,
): Promise<EngineFigures['folder']> {
  const { brokerUrl } = ctx.stack.info;
  const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

  const bareProbe = startProbe(ctx, {
    mode: 'idle',
    dataDir: await hoistDataDir(ctx),
    brokerUrl,
    ...USER,
    settings: {},
    dir: '',
    count: 0,
  });
  let baselineRssMiB: number;
  try {
    await bareProbe.next('ready', 120_000);
    await wait(SETTLE_MS);
    baselineRssMiB = processRss(bareProbe.child.pid!).rssMiB;
  } finally {
    await stopProbe(bareProbe.child);
  }
  log(`  bare engine: idle ${baselineRssMiB.toFixed(0)} MiB`);

  const folderDir = path.join(dataDir, 'folder');
  const preferred = await measureFolder(ctx, profile, folderDir, {});
  log(`  folder (${preferred.watcher}): ${describeFolderRun(preferred)}`);
  // The fallback, forced: what a machine without @parcel/watcher's prebuilt binary gets.
  const chokidar = await measureFolder(ctx, profile, folderDir, { HOIST_WATCHER: 'chokidar' });
  log(`  folder (${chokidar.watcher}): ${describeFolderRun(chokidar)}`);
  return { ...preferred, baselineRssMiB, chokidar };
}

export async function measureFolder(
  ctx: Ctx,
  profile: Profile,
  folderDir: string,
  env: NodeJS.ProcessEnv,
): Promise<FolderRun> {
  const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const dataDir = await hoistDataDir(ctx);
  const probe = startProbe(
    ctx,
    {
      mode: 'folder',
      dataDir,
      brokerUrl: ctx.stack.info.brokerUrl,
      ...USER,
      settings: {},
      dir: folderDir,
      count: profile.folderFiles,
    },
    env,
  );
  try {
    const reconciled = await probe.next('reconciled', 60 * 60_000);
    const peakRssMiB = processRss(probe.child.pid!).peakMiB;
    await wait(SETTLE_MS);
    const idleRssMiB = processRss(probe.child.pid!).rssMiB;
    const cpu0 = processCpuSeconds(probe.child.pid!);
    await wait(profile.idleSeconds * 1000);
    const idleCpuS = processCpuSeconds(probe.child.pid!) - cpu0;
    return {
      stateDbBytes: stateDbBytes(dataDir),
      watcher: reconciled.watcher,
      files: profile.folderFiles,
      reconciledS: reconciled.ms / 1000,
      peakRssMiB,
      idleRssMiB,
      idleCpuS,
      idleSeconds: profile.idleSeconds,
    };
  } finally {
    await stopProbe(probe.child);
  }
}

export async function engineOnly(
  ctx: Ctx,
  profile: Profile,
  dataDir: string,
  log: (s: string) => void,
): Promise<EngineFigures> {
  const { brokerUrl } = ctx.stack.info;
  const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

  // What every `hoist` command pays before any work (node starting, parsing the command line), and the
  // whole of a `hoist upload` of one small file (loading the engine and the SDK, signing in, one PUT).
  const helps = [];
  const ones = [];
  const oneFile = path.join(dataDir, 'one', 'f0.bin');
  for (let run = 0; run < profile.runs; run++) {
    helps.push(await timed(process.execPath, [hoistCli, '--help'], { env: hoistEnv(), cwd: repo }));
    const one = await timed(process.execPath, hoistArgs(await hoistDataDir(ctx), brokerUrl, oneFile, 'bench-one'), {
      env: hoistEnv(),
      cwd: repo,
    });
    if (one.exitCode !== 0) throw new Error(`hoist failed on one small file: ${one.stderr.slice(-2000)}`);
    ones.push(one);
  }
  const startup = {
    wallS: median(helps.map((m) => m.wallS)),
    cpuS: median(helps.map((m) => m.cpuS)),
    peakRssMiB: median(helps.map((m) => m.peakRssMiB)),
    oneFile: { wallS: median(ones.map((m) => m.wallS)), cpuS: median(ones.map((m) => m.cpuS)) },
  };
  log(
    `  start-up: ${startup.wallS.toFixed(2)} s wall, ${startup.cpuS.toFixed(2)} s CPU; one 4 KiB file: ${startup.oneFile.wallS.toFixed(2)} s wall`,
  );

  // Peak RSS while uploading one big file.
  const rssFile = path.join(dataDir, 'rss', 'f0.bin');
  const rssRun = await timed(process.execPath, hoistArgs(await hoistDataDir(ctx), brokerUrl, rssFile, 'bench-rss'), {
    env: hoistEnv(),
    cwd: repo,
  });
  if (rssRun.exitCode !== 0) throw new Error(`hoist failed on the RSS file: ${rssRun.stderr.slice(-2000)}`);
  log(`  RSS: ${rssRun.peakRssMiB.toFixed(0)} MiB peak for ${profile.rssFile / MiB} MiB`);

  // kill -9 mid-upload, then the same command again on the same state folder.
  const killFile = path.join(dataDir, 'kill', 'f0.bin');
  const killData = await hoistDataDir(ctx);
  await ctx.stack.entries();
  const victim = spawn(process.execPath, hoistArgs(killData, brokerUrl, killFile, 'bench-kill'), {
    env: hoistEnv(),
    cwd: repo,
    stdio: 'ignore',
  });
  const totalParts = Math.ceil(profile.killFile / PART);
  const killEntries: TimedEntry[] = [];
  let partsBeforeKill: number;
  for (;;) {
    await wait(20);
    killEntries.push(...(await ctx.stack.entries()));
    partsBeforeKill = killEntries.filter(
      (e) => e.operation === 'UploadPart' && e.status === 200 && e.key?.endsWith('/f0.bin'),
    ).length;
    if (partsBeforeKill >= Math.max(1, Math.floor(totalParts / 3)) || victim.exitCode !== null) break;
  }
  if (victim.exitCode !== null)
    throw new Error('the upload to be killed finished before it could be killed: make the kill file bigger');
  victim.kill('SIGKILL');
  await new Promise((r) => victim.once('exit', r));
  const resume = await timed(process.execPath, hoistArgs(killData, brokerUrl, killFile, 'bench-kill'), {
    env: hoistEnv(),
    cwd: repo,
  });
  if (resume.exitCode !== 0) throw new Error(`hoist did not finish after kill -9: ${resume.stderr.slice(-2000)}`);
  await wait(200);
  killEntries.push(...(await ctx.stack.entries()));
  const partEntries = killEntries.filter((e) => e.operation === 'UploadPart' && e.key?.includes('bench-kill/'));
  // The attempt that counts for each part: the last stored one of the upload that was completed. Every
  // other attempt (cut off by the kill, or stored and then sent again) is bytes sent twice.
  const completed = killEntries
    .filter((e) => e.operation === 'CompleteMultipartUpload' && e.status === 200 && e.key?.includes('bench-kill/'))
    .pop();
  const kept = new Map<number, TimedEntry>();
  for (const e of partEntries)
    if (e.uploadId === completed?.uploadId && e.status === 200 && e.partNumber !== undefined) kept.set(e.partNumber, e);
  const keptSet = new Set(kept.values());
  const resent = partEntries.filter((e) => !keptSet.has(e));
  const keptWireBytes = [...keptSet].reduce((s, e) => s + e.bytesReceived, 0);
  // Parts travel aws-chunked: what arrived is file bytes plus chunk framing. The re-sent figure is file
  // bytes, so the framing is taken out at the ratio measured on the kept parts.
  const fileBytesPerWireByte = keptWireBytes > 0 ? profile.killFile / keptWireBytes : 1;
  const kill = {
    fileBytes: profile.killFile,
    partsBeforeKill,
    resentBytes: Math.round(resent.reduce((s, e) => s + e.bytesReceived, 0) * fileBytesPerWireByte),
    resentParts: new Set(resent.map((e) => `${e.uploadId}/${e.partNumber}`)).size,
    overheadBytes: keptWireBytes - profile.killFile,
    inFlightBound: CONCURRENCY * PART,
    uploadIds: new Set(partEntries.map((e) => e.uploadId)).size,
  };
  log(
    `  kill -9: ${(kill.resentBytes / MiB).toFixed(1)} MiB in ${kill.resentParts} parts re-sent (${partsBeforeKill} parts done at the kill)`,
  );

  const folder = await folderFigures(ctx, profile, dataDir, log);

  // Change-to-upload-started: a new file in a watched folder until its PUT reaches the local cloud.
  const watchDir = path.join(ctx.work, 'watched');
  mkdirSync(watchDir, { recursive: true });
  const watchProbe = startProbe(ctx, {
    mode: 'watch',
    dataDir: await hoistDataDir(ctx),
    brokerUrl,
    ...USER,
    settings: { stabilityWindowMs: profile.stabilityWindowMs },
    dir: watchDir,
    count: 0,
  });
  const samples: number[] = [];
  try {
    await watchProbe.next('watching', 120_000);
    for (let i = 0; i < profile.latencySamples; i++) {
      const name = `latency-${i}.bin`;
      const seen = ctx.stack.watch(`/${name}`, 60_000);
      const t0 = Date.now();
      await writeFile(path.join(watchDir, name), randomBytes(1024));
      samples.push(Date.parse((await seen).time) - t0);
      await wait(300);
    }
  } finally {
    await stopProbe(watchProbe.child);
  }
  const latency = {
    samples,
    p50: percentile(samples, 50),
    p95: percentile(samples, 95),
    stabilityWindowMs: profile.stabilityWindowMs,
  };
  log(`  latency: p50 ${latency.p50} ms, p95 ${latency.p95} ms (stability window ${profile.stabilityWindowMs} ms)`);

  // Progress events reaching a subscriber with many transfers queued.
  const eventsProbe = startProbe(ctx, {
    mode: 'events',
    dataDir: await hoistDataDir(ctx),
    brokerUrl,
    ...USER,
    settings: {},
    dir: path.join(dataDir, 'events'),
    count: profile.eventSeconds,
  });
  let events: EngineFigures['events'];
  try {
    const m = await eventsProbe.next('events', 30 * 60_000);
    events = {
      queued: m.queued,
      seconds: m.seconds,
      perSecond: m.events / m.seconds,
      transfersPerEvent: m.events ? m.transfersInEvents / m.events : 0,
    };
  } finally {
    await stopProbe(eventsProbe.child);
  }
  log(`  events: ${events.perSecond.toFixed(1)}/s with ${events.queued} queued`);
  return {
    startup,
    rss: { fileBytes: profile.rssFile, peakRssMiB: rssRun.peakRssMiB, wallS: rssRun.wallS },
    kill,
    folder,
    latency,
    events,
  };
}
