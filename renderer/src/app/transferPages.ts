// One filtered transfer list as the window shows it: its length (from totals) and the pages of rows read
// so far (RowRuns). A 100,000-transfer list costs what is on screen:
// - pages are read as they scroll into view (debounced; one request per page, never two at once);
// - pushed changes keep the rows held current: one placed exactly is inserted, updated or removed in
//   order; one that falls between the pages held cannot be placed, so it is remembered as a doubt, and
//   if the next totals disagree with the length counted here the pages after it are read again;
// - transfers.invalidated and a reconnect read again the pages held (never the whole list);
// - rows more than a couple of pages away from the view are forgotten (the first page is kept, so new
//   transfers, which arrive at the top, always land in place).
import type { Transfer, TransferFilter } from '../../../electron/common/contract.js';
import { matches } from '../features/transfers/filters.js';
import { newestFirst, RowRuns } from './rowRuns.js';

export type ReadPage = (filter: TransferFilter, offset: number, limit: number) => Promise<Transfer[]>;

export interface PagesOptions {
  /** Rows per request. */
  pageSize?: number;
  /** Pages kept on either side of the view. */
  keepPages?: number;
  /** Quiet time after scrolling before the pages now in view are read. */
  scrollDelayMs?: number;
  /** Pages marked out of date are read again after this (changes arriving meanwhile join in). */
  rereadDelayMs?: number;
  /** A page could not be read (other than for a dropped connection, which reloads on reconnect). */
  onError?: (err: unknown) => void;
}

export class TransferPages {
  filter: TransferFilter = 'all';
  /** Rows in the list as far as this window knows: the last totals, plus the changes placed since. */
  length = 0;
  private runs = new RowRuns();
  /** The earliest transfer (in list order) whose change could not be placed; null: anywhere. */
  private doubt: Transfer | null | undefined;
  private view = { first: 0, last: 0 };
  /** Bumped when the filter changes: answers to older requests are ignored. */
  private epoch = 0;
  private seq = 0;
  /** Page → seq when its request was sent. */
  private readonly inFlight = new Map<number, number>();
  /** Page → seq when it was marked out of date. */
  private readonly stale = new Map<number, number>();
  private fillTimer: ReturnType<typeof setTimeout> | undefined;
  private rereadTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly pageSize: number;
  private readonly keepPages: number;
  private readonly scrollDelayMs: number;
  private readonly rereadDelayMs: number;
  private readonly onError: (err: unknown) => void;

  constructor(
    private readonly read: ReadPage,
    private readonly onChange: () => void,
    options: PagesOptions = {},
  ) {
    this.pageSize = options.pageSize ?? 200;
    this.keepPages = options.keepPages ?? 2;
    this.scrollDelayMs = options.scrollDelayMs ?? 80;
    this.rereadDelayMs = options.rereadDelayMs ?? 100;
    this.onError = options.onError ?? (() => undefined);
  }

  /** The row at `index`, or undefined while its page is unread. */
  at(index: number): Transfer | undefined {
    return this.runs.at(index);
  }

  /** How many rows the window holds (bounded by the view, whatever the list's length). */
  get held(): number {
    return this.runs.size;
  }

  /** Shows another filter: forgets the rows held and reads its first page. */
  show(filter: TransferFilter, length: number): void {
    if (filter === this.filter) return;
    this.reset();
    this.filter = filter;
    this.length = length;
    this.request(0);
    this.onChange();
  }

  /** The rows on screen (overscan included); their pages are read once scrolling pauses. */
  setView(first: number, last: number): void {
    this.view = { first, last };
    this.scheduleFill(true);
  }

  /** The list's length from a totals event. */
  setLength(length: number): void {
    if (length !== this.length && this.doubt !== undefined)
      this.markStale(this.runs.pagesAfter(this.doubt, this.pageSize));
    this.doubt = undefined;
    if (length === this.length) return;
    this.length = length;
    this.runs.keep([[0, length]]);
    this.scheduleFill(false);
    this.onChange();
  }

  applyChanged(transfers: readonly Transfer[]): void {
    for (const t of transfers) {
      const wanted = matches(this.filter, t);
      const place = this.runs.place(t, this.length);
      if (place.kind === 'held') {
        if (wanted) this.runs.set(place.index, t);
        else if (this.runs.remove(t.id)) this.length = Math.max(0, this.length - 1);
      } else if (place.kind === 'known') {
        if (wanted) {
          this.runs.insert(place.index, t);
          this.length++;
        }
      } else {
        // Between pages held: it may have joined or left the list there, or been there all along.
        this.doubtFrom(t);
      }
    }
    this.scheduleFill(false);
    this.onChange();
  }

  applyRemoved(ids: readonly string[]): void {
    for (const id of ids) {
      if (this.runs.remove(id)) this.length = Math.max(0, this.length - 1);
      // Not held: it was somewhere after the top rows held, if it was in this list at all.
      else this.doubtFrom(this.runs.headLast() ?? null);
    }
    this.scheduleFill(false);
    this.onChange();
  }

  /** Many transfers changed at once: read again every page held. */
  invalidate(): void {
    this.doubt = undefined;
    this.markStale(this.runs.pages(this.pageSize));
    this.scheduleFill(false);
  }

  /** After (re)connecting: read again every page held, and the first one, now. */
  reload(): void {
    this.doubt = undefined;
    this.markStale(this.runs.pages(this.pageSize));
    this.request(0);
    this.reread();
    this.fill();
  }

  dispose(): void {
    this.reset();
  }

  // ---------- reading ----------

  private request(page: number): void {
    if (this.inFlight.has(page)) return;
    const epoch = this.epoch;
    const sent = ++this.seq;
    this.inFlight.set(page, sent);
    const offset = page * this.pageSize;
    this.read(this.filter, offset, this.pageSize).then(
      (rows) => {
        if (epoch !== this.epoch) return;
        this.inFlight.delete(page);
        const last = rows.length < this.pageSize;
        this.runs.replace(offset, rows, last);
        // A short page is where the list ends; a full one says it is at least that long.
        this.length = last ? offset + rows.length : Math.max(this.length, offset + rows.length);
        const marked = this.stale.get(page);
        if (marked !== undefined && marked < sent) this.stale.delete(page);
        if (this.stale.has(page)) this.scheduleReread();
        this.fill();
        this.onChange();
      },
      (err: unknown) => {
        if (epoch !== this.epoch) return;
        this.inFlight.delete(page);
        // A dropped connection reads again on reconnect (reload); anything else is shown.
        if ((err as { code?: string }).code !== 'disconnected') this.onError(err);
      },
    );
  }

  /** Reads the pages in view that have unread rows, and forgets rows far from the view. */
  private fill(): void {
    clearTimeout(this.fillTimer);
    this.fillTimer = undefined;
    const size = this.pageSize;
    const { first } = this.view;
    const last = Math.min(this.view.last, this.length - 1);
    for (let page = Math.floor(first / size); page * size <= last; page++) {
      if (this.runs.missing(Math.max(first, page * size), Math.min(last + 1, (page + 1) * size))) this.request(page);
    }
    const from = (Math.floor(this.view.first / size) - this.keepPages) * size;
    const to = (Math.floor(this.view.last / size) + this.keepPages + 1) * size;
    const before = this.runs.size;
    this.runs.keep([
      [0, size],
      [Math.max(0, from), to],
    ]);
    if (this.runs.size !== before) this.onChange();
  }

  /** Scrolling restarts the wait (read once it pauses); changes only make sure one is pending. */
  private scheduleFill(restart: boolean): void {
    if (this.fillTimer !== undefined && !restart) return;
    clearTimeout(this.fillTimer);
    this.fillTimer = setTimeout(() => this.fill(), this.scrollDelayMs);
  }

  private markStale(pages: readonly number[]): void {
    for (const page of pages) this.stale.set(page, ++this.seq);
    if (pages.length > 0) this.scheduleReread();
  }

  private scheduleReread(): void {
    if (this.rereadTimer !== undefined) return;
    this.rereadTimer = setTimeout(() => this.reread(), this.rereadDelayMs);
  }

  /** Requests the out-of-date pages still held or in view; one in flight is asked again when it answers. */
  private reread(): void {
    clearTimeout(this.rereadTimer);
    this.rereadTimer = undefined;
    const held = new Set(this.runs.pages(this.pageSize));
    const size = this.pageSize;
    for (const page of [...this.stale.keys()]) {
      const inView = page * size <= this.view.last && (page + 1) * size > this.view.first;
      if ((!held.has(page) && !inView) || (page > 0 && page * size >= this.length)) this.stale.delete(page);
      else if (!this.inFlight.has(page)) this.request(page);
    }
  }

  private doubtFrom(t: Transfer | null): void {
    if (this.doubt === null) return;
    if (t === null || this.doubt === undefined || newestFirst(t, this.doubt) < 0) this.doubt = t;
  }

  private reset(): void {
    clearTimeout(this.fillTimer);
    clearTimeout(this.rereadTimer);
    this.fillTimer = undefined;
    this.rereadTimer = undefined;
    this.epoch++;
    this.runs = new RowRuns();
    this.doubt = undefined;
    this.view = { first: 0, last: 0 };
    this.inFlight.clear();
    this.stale.clear();
  }
}
