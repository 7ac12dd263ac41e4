// One watched folder's life: start the watcher, scan, then watch; periodic full rescans; a cheap
// look at the root every few seconds to notice it vanishing (deleted, disk unmounted) or being
// replaced, and to come back by itself — "unavailable" until then, never an error to dismiss.
import { lstat } from 'node:fs/promises';
import path from 'node:path';
import type { Folder } from '../../common/contract.js';
import { describeFsError } from '../intake/expand-paths.js';
import type { Logger } from '../platform/log.js';
import { createAggregator, type Aggregator, type AggregatorBatch } from './aggregator.js';
import type { Clock } from '../platform/clock.js';
import type { IgnoreRules } from './ignore-rules.js';
import type { FolderHandle, Pipeline } from './pipeline.js';
import { isGone, scanFolder, type ScanProblem } from './scanner.js';
import type { FolderRow } from './store.js';
import type { Watcher, WatcherFactory } from './watcher.js';

export interface FolderContext {
  pipeline: Pipeline;
  clock: Clock;
  log: Logger;
  watcherFactory: WatcherFactory;
  ignoreRules: () => IgnoreRules;
  /** Something in list() changed: publish (throttled). */
  changed: () => void;
  rescanIntervalMs: number;
  rootPollMs: number;
}

type FolderState = Folder['state'];

/** How many problems the folder's message names before it says "and N more". */
const problemsShown = 3;

export class WatchedFolder implements FolderHandle {
  readonly id: string;
  readonly root: string;
  readonly label: string;
  private paused: boolean;
  private state: FolderState = 'scanning';
  private filesSeen = 0;
  private problems = new Map<string, ScanProblem>();
  private errorMessage: string | undefined;
  private unavailableReason: string | undefined;
  private watcher: Watcher | undefined;
  private aggregator: Aggregator | undefined;
  private scanAbort: AbortController | undefined;
  private scan: Promise<void> | undefined;
  private rootIdentity: string | undefined;
  private pollTimer: unknown;
  private rescanTimer: unknown;
  private stopped = false;
  /** Bumped on every (re)start so that late callbacks of an older watcher or scan do nothing. */
  private generation = 0;

  constructor(
    row: FolderRow,
    private readonly ctx: FolderContext,
  ) {
    this.id = row.id;
    this.root = row.path;
    this.label = row.label;
    this.paused = row.paused;
  }

  active(): boolean {
    return !this.stopped && !this.paused && this.state !== 'unavailable';
  }

  view(): Folder {
    const message = this.message();
    return {
      id: this.id,
      path: this.root,
      label: this.label,
      state: this.state,
      filesSeen: this.filesSeen,
      ...(message ? { message } : {}),
    };
  }

  problemList(): ScanProblem[] {
    return [...this.problems.values()];
  }

  /** Nothing scanning and the pipeline has nothing of ours pending (for tests and `hoist sync`). */
  scanning(): boolean {
    return this.scan !== undefined;
  }

  report(problem: ScanProblem): void {
    const before = this.problems.get(problem.relative);
    this.problems.set(problem.relative, problem);
    if (before?.message !== problem.message) this.ctx.changed();
  }

  clearProblem(relative: string): void {
    if (this.problems.delete(relative)) this.ctx.changed();
  }

  async start(): Promise<void> {
    this.stopped = false;
    if (this.paused) return this.setState('paused');
    await this.bringUp();
    this.schedulePoll();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.ctx.clock.clearTimeout(this.pollTimer);
    this.ctx.clock.clearTimeout(this.rescanTimer);
    await this.takeDown();
  }

  async pause(): Promise<void> {
    this.paused = true;
    this.ctx.clock.clearTimeout(this.pollTimer);
    await this.takeDown();
    this.setState('paused');
  }

  async resume(): Promise<void> {
    if (!this.paused) return;
    this.paused = false;
    await this.start();
  }

  /** A full scan now (periodic, after wake from sleep, settings changed); resolves when it ends. */
  async rescan(): Promise<void> {
    if (this.stopped || this.paused) return;
    if (this.state === 'unavailable' || !this.watcher) return this.checkRoot();
    await this.fullScan();
  }

  /** New ignore rules: a fresh watcher (chokidar does not watch what it once ignored) and a full scan. */
  async restartWatching(): Promise<void> {
    if (this.stopped || this.paused) return;
    await this.takeDown();
    await this.bringUp();
  }

  /** Watcher + full scan; "unavailable" when the root is not there. */
  private async bringUp(): Promise<void> {
    const generation = ++this.generation;
    const root = await this.rootStats();
    if (generation !== this.generation || this.stopped || this.paused) return;
    if (!root.ok) return this.goUnavailable(root.message);
    this.rootIdentity = root.identity;
    this.errorMessage = undefined;
    this.aggregator = createAggregator({
      clock: this.ctx.clock,
      onBatch: (batch) => void this.onBatch(batch, generation),
    });
    const watcher = this.ctx.watcherFactory(
      this.root,
      {
        ignored: (relative, isDirectory) =>
          isDirectory !== undefined && this.ctx.ignoreRules().ignores(relative, isDirectory),
      },
      {
        event: (type, relative) => {
          if (generation !== this.generation) return;
          if (relative === '') {
            if (type === 'unlinkDir') void this.checkRoot();
            return;
          }
          // Deletions are not mirrored (the role may only write): unlink events need nothing.
          if (type === 'add' || type === 'change') this.aggregator?.push('file', relative);
          else if (type === 'addDir') this.aggregator?.push('dir', relative);
        },
        error: (error) => {
          if (generation !== this.generation) return;
          this.onWatcherError(error);
        },
        overflow: () => {
          if (generation !== this.generation) return;
          this.ctx.log.warn('folder sync: the watcher lost events; scanning the folder again', { folder: this.id });
          this.aggregator?.push('dir', '');
        },
      },
    );
    this.watcher = watcher;
    // Watch first, then scan: a change during the scan is caught either way.
    try {
      await watcher.start();
      this.ctx.log.info('folder sync: watching', {
        folder: this.id,
        watcher: watcher.backend,
        ...(watcher.fallbackReason ? { fallbackReason: watcher.fallbackReason } : {}),
      });
    } catch (error) {
      this.onWatcherError(error as NodeJS.ErrnoException);
    }
    if (generation !== this.generation) return;
    void this.fullScan();
  }

  private async takeDown(): Promise<void> {
    this.generation++;
    this.scanAbort?.abort();
    this.aggregator?.stop();
    this.aggregator = undefined;
    const watcher = this.watcher;
    this.watcher = undefined;
    this.ctx.pipeline.forgetFolder(this.id);
    await watcher
      ?.stop()
      .catch((error: unknown) =>
        this.ctx.log.warn('folder sync: closing the watcher failed', { error: String(error) }),
      );
    await this.scan?.catch(() => {});
  }

  private onWatcherError(error: NodeJS.ErrnoException): void {
    if (error.code === 'ENOSPC' || error.code === 'EMFILE') {
      // inotify's per-user limits: changes are still found by the periodic rescan.
      this.errorMessage =
        'The system limit on watched folders was reached, so changes here are found only by the periodic rescan. ' +
        'Raise fs.inotify.max_user_watches (Linux) or watch fewer folders.';
      this.setState('error');
      return;
    }
    this.ctx.log.warn('folder sync: watcher error', { folder: this.id, error: String(error) });
    void this.checkRoot();
  }

  private async fullScan(): Promise<void> {
    if (this.scan) return this.scan;
    const generation = this.generation;
    const abort = new AbortController();
    this.scanAbort = abort;
    const found = new Map<string, ScanProblem>();
    this.filesSeen = 0;
    if (this.state !== 'error') this.setState('scanning');
    const run = async () => {
      try {
        const result = await scanFolder(this.root, {
          ignore: this.ctx.ignoreRules(),
          signal: abort.signal,
          onProblem: (problem) => found.set(problem.relative, problem),
          onFile: async (file) => {
            this.filesSeen++;
            if (this.filesSeen % 1000 === 0) this.ctx.changed();
            await this.ctx.pipeline.consider(this, file, false);
            await this.ctx.pipeline.room();
          },
        });
        if (generation !== this.generation) return;
        if (!result.rootReadable) {
          // Not awaited: checkRoot may take this folder down, which waits for this very scan to end.
          if (isGone(result.rootError)) return void this.checkRoot();
          this.errorMessage = `The folder cannot be read: ${describeFsError(result.rootError)}`;
          return this.setState('error');
        }
        // Problems found by the pipeline during the scan (names, unreadable files) are kept with the scan's own.
        for (const [relative, problem] of this.problems)
          if (problem.kind === 'invalid-name' || problem.kind === 'unreadable')
            found.set(relative, found.get(relative) ?? problem);
        this.problems = found;
        this.setState(this.errorMessage ? 'error' : 'watching');
      } catch (error) {
        if (!abort.signal.aborted) {
          this.ctx.log.error('folder sync: scan failed', { folder: this.id, error: String(error) });
          this.errorMessage = `Scanning failed: ${describeFsError(error)}`;
          this.setState('error');
        }
      } finally {
        if (this.scanAbort === abort) this.scanAbort = undefined;
        this.scan = undefined;
        this.scheduleRescan();
      }
    };
    this.scan = run();
    return this.scan;
  }

  private async onBatch(batch: AggregatorBatch, generation: number): Promise<void> {
    if (generation !== this.generation || !this.active()) return;
    if (batch.rescan) return void this.fullScan();
    const rules = this.ctx.ignoreRules();
    for (const relative of batch.files) {
      const absolute = path.join(this.root, ...relative.split('/'));
      try {
        const s = await lstat(absolute);
        if (!s.isFile() || rules.ignores(relative, false)) continue;
        await this.ctx.pipeline.consider(
          this,
          { relative, absolute, size: s.size, mtimeMs: s.mtimeMs, ctimeMs: s.ctimeMs, ino: String(s.ino) },
          true,
        );
      } catch (error) {
        // A name that is not UTF-8 reaches us mangled (U+FFFD) and cannot be opened by it: let a scan of its
        // folder find and report it by its bytes.
        if (relative.includes('\uFFFD'))
          batch.dirs.push(path.posix.dirname(relative) === '.' ? '' : path.posix.dirname(relative));
        else if (!isGone(error)) this.report({ relative, kind: 'unreadable', message: describeFsError(error) });
      }
    }
    for (const dir of new Set(batch.dirs)) {
      if (generation !== this.generation) return;
      if (dir === '') {
        void this.fullScan();
        continue;
      }
      // A folder moved or copied in: everything below it is new (and may still be being copied).
      await scanFolder(this.root, {
        under: dir,
        ignore: rules,
        onProblem: (problem) => this.report(problem),
        onFile: async (file) => {
          await this.ctx.pipeline.consider(this, file, true);
          await this.ctx.pipeline.room();
        },
      }).catch((error: unknown) =>
        this.ctx.log.warn('folder sync: scanning a new folder failed', { error: String(error) }),
      );
    }
  }

  private async rootStats(): Promise<{ ok: true; identity: string } | { ok: false; message: string }> {
    try {
      const s = await lstat(this.root);
      if (!s.isDirectory())
        return { ok: false, message: 'The folder has been replaced by something that is not a folder.' };
      return { ok: true, identity: `${s.dev}:${s.ino}` };
    } catch (error) {
      return {
        ok: false,
        message: isGone(error) ? 'The folder is missing or its disk is not connected.' : describeFsError(error),
      };
    }
  }

  /** Cheap: one lstat of the root. Notices a vanished, replaced or returning folder. */
  private async checkRoot(): Promise<void> {
    if (this.stopped || this.paused) return;
    const root = await this.rootStats();
    if (this.stopped || this.paused) return;
    if (!root.ok) {
      if (this.state !== 'unavailable') {
        await this.takeDown();
        this.goUnavailable(root.message);
      }
      return;
    }
    if (this.state === 'unavailable' || root.identity !== this.rootIdentity) {
      // Back (remounted, restored) or replaced by another folder of the same name: watch it afresh.
      this.ctx.log.info('folder sync: folder is back', { folder: this.id });
      await this.takeDown();
      await this.bringUp();
    }
  }

  private goUnavailable(reason: string): void {
    this.errorMessage = undefined;
    this.unavailableReason = `${reason} Hoist will carry on when it is back.`;
    this.setState('unavailable');
  }

  private schedulePoll(): void {
    this.ctx.clock.clearTimeout(this.pollTimer);
    if (this.stopped || this.paused) return;
    this.pollTimer = this.ctx.clock.setTimeout(() => {
      void this.checkRoot().finally(() => this.schedulePoll());
    }, this.ctx.rootPollMs);
  }

  private scheduleRescan(): void {
    this.ctx.clock.clearTimeout(this.rescanTimer);
    if (this.stopped || this.paused) return;
    this.rescanTimer = this.ctx.clock.setTimeout(() => void this.rescan(), this.ctx.rescanIntervalMs);
  }

  private setState(state: FolderState): void {
    this.state = state;
    this.ctx.changed();
  }

  private message(): string | undefined {
    if (this.state === 'paused') return undefined;
    if (this.state === 'unavailable') return this.unavailableReason;
    const parts: string[] = [];
    if (this.errorMessage) parts.push(this.errorMessage);
    const problems = [...this.problems.values()];
    const links = problems.filter((p) => p.kind === 'link').length;
    const serious = problems.filter((p) => p.kind !== 'link');
    if (serious.length > 0) {
      const named = serious.slice(0, problemsShown).map((p) => `"${p.relative}": ${p.message}`);
      const more = serious.length > problemsShown ? ` (and ${serious.length - problemsShown} more)` : '';
      parts.push(
        `${serious.length === 1 ? '1 item is' : `${serious.length} items are`} not uploaded: ${named.join('; ')}${more}`,
      );
    }
    if (links > 0) parts.push(`${links === 1 ? '1 link was' : `${links} links were`} not followed.`);
    return parts.length > 0 ? parts.join(' ') : undefined;
  }
}
