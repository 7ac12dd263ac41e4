// The rows of one filtered transfer list that the window has read, by their index in the engine's order
// (newest first). The list may hold 100,000 transfers; the window holds the pages it has shown, as runs
// of consecutive rows. Inserting or removing a row shifts the runs after it, as it does in the engine's
// list. Pure data: no timers, no I/O (TransferPages decides what to read and when).
import type { Transfer } from '../../../electron/common/contract.js';

/** The engine's order (transfers.list): createdAt descending, then id descending. */
export function newestFirst(a: Transfer, b: Transfer): number {
  return b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

interface Run {
  start: number;
  rows: Transfer[];
}

/** Where a transfer falls among the rows held. */
export type Place =
  /** Held, at this index. */
  | { kind: 'held'; index: number }
  /** Not held, but the rows around it are: if the list has it, it is at this index. */
  | { kind: 'known'; index: number }
  /** Between runs (or outside them), where rows are unread: the list may or may not have it there. */
  | { kind: 'gap' };

const end = (run: Run) => run.start + run.rows.length;

/** First position in `rows` whose row does not sort before `t`. */
function lowerBound(rows: readonly Transfer[], t: Transfer): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (newestFirst(rows[mid]!, t) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class RowRuns {
  /** Sorted by start, never overlapping or touching (touching runs are merged). */
  private runs: Run[] = [];
  private readonly byId = new Map<string, Transfer>();

  /** How many rows are held. */
  get size(): number {
    return this.byId.size;
  }

  at(index: number): Transfer | undefined {
    const run = this.runs[this.runBefore(index)];
    return run && index < end(run) ? run.rows[index - run.start] : undefined;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  /**
   * Where `t` goes. `length` is the list's length as far as the caller knows: it tells that a transfer
   * sorting after the last run belongs right after it when that run reaches the end of the list.
   */
  place(t: Transfer, length: number): Place {
    if (this.byId.has(t.id)) {
      const index = this.indexOf(t.id);
      if (index !== undefined) return { kind: 'held', index };
    }
    if (this.runs.length === 0) return length === 0 ? { kind: 'known', index: 0 } : { kind: 'gap' };
    for (let r = 0; r < this.runs.length; r++) {
      const run = this.runs[r]!;
      if (newestFirst(t, run.rows[0]!) < 0)
        return r === 0 && run.start === 0 ? { kind: 'known', index: 0 } : { kind: 'gap' };
      if (newestFirst(t, run.rows.at(-1)!) < 0) return { kind: 'known', index: run.start + lowerBound(run.rows, t) };
    }
    const last = this.runs.at(-1)!;
    return end(last) === length ? { kind: 'known', index: length } : { kind: 'gap' };
  }

  /** Replaces a held row (same transfer, newer state). */
  set(index: number, t: Transfer): void {
    const run = this.runs[this.runBefore(index)];
    if (!run || index >= end(run) || run.rows[index - run.start]!.id !== t.id) return;
    run.rows[index - run.start] = t;
    this.byId.set(t.id, t);
  }

  /** A row the list gained at `index`: the rows from there on move down one. */
  insert(index: number, t: Transfer): void {
    let r = this.runBefore(index);
    let run = this.runs[r];
    if (run && index <= end(run)) run.rows.splice(index - run.start, 0, t);
    else {
      run = { start: index, rows: [t] };
      this.runs.splice(++r, 0, run);
    }
    for (let i = r + 1; i < this.runs.length; i++) this.runs[i]!.start++;
    this.byId.set(t.id, t);
    this.mergeTouching();
  }

  /** A row the list lost: the rows after it move up one. False when it was not held. */
  remove(id: string): boolean {
    const index = this.indexOf(id);
    if (index === undefined) return false;
    const r = this.runBefore(index);
    const run = this.runs[r]!;
    run.rows.splice(index - run.start, 1);
    this.byId.delete(id);
    if (run.rows.length === 0) this.runs.splice(r, 1);
    for (let i = run.rows.length === 0 ? r : r + 1; i < this.runs.length; i++) this.runs[i]!.start--;
    this.mergeTouching();
    return true;
  }

  /**
   * A page as the engine just read it: its rows replace whatever was held at those indices. A copy of
   * one of them held elsewhere is out of date and leaves (a hole, read again when seen). `last` says
   * the list ends with this page, so nothing is held after it.
   */
  replace(offset: number, rows: readonly Transfer[], last: boolean): void {
    this.drop(offset, last ? Infinity : offset + rows.length);
    for (const t of rows) if (this.byId.has(t.id)) this.dropAt(this.indexOf(t.id)!);
    if (rows.length === 0) return;
    const r = this.runBefore(offset) + 1;
    this.runs.splice(r, 0, { start: offset, rows: [...rows] });
    for (const t of rows) this.byId.set(t.id, t);
    this.mergeTouching();
  }

  /** Keeps only the rows with an index in one of `ranges` ([from, to) each). */
  keep(ranges: readonly (readonly [number, number])[]): void {
    const kept: [number, number][] = [...ranges].filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0]) as [
      number,
      number,
    ][];
    let from = 0;
    for (const [a, b] of kept) {
      if (a > from) this.drop(from, a);
      from = Math.max(from, b);
    }
    this.drop(from, Infinity);
  }

  /** Whether any index in [from, to) is not held. */
  missing(from: number, to: number): boolean {
    for (let i = from; i < to;) {
      const run = this.runs[this.runBefore(i)];
      if (!run || i >= end(run)) return true;
      i = end(run);
    }
    return false;
  }

  /** The pages (of `size` rows) that hold at least one row. */
  pages(size: number): number[] {
    return this.pagesOf(this.runs, size);
  }

  /** The pages holding rows that sort after `t` (all of them when `t` is null). */
  pagesAfter(t: Transfer | null, size: number): number[] {
    if (t === null) return this.pages(size);
    const after: Run[] = [];
    for (const run of this.runs) {
      const i = lowerBound(run.rows, t);
      const skip = run.rows[i]?.id === t.id ? i + 1 : i;
      if (skip < run.rows.length) after.push({ start: run.start + skip, rows: run.rows.slice(skip) });
    }
    return this.pagesOf(after, size);
  }

  /** The last row of the run at the top of the list, when the top is held. */
  headLast(): Transfer | undefined {
    const first = this.runs[0];
    return first?.start === 0 ? first.rows.at(-1) : undefined;
  }

  // ---------- internals ----------

  /** Index of the last run starting at or before `index` (-1 when none). */
  private runBefore(index: number): number {
    let lo = 0;
    let hi = this.runs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.runs[mid]!.start <= index) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }

  private indexOf(id: string): number | undefined {
    const t = this.byId.get(id);
    if (!t) return undefined;
    for (const run of this.runs) {
      const i = lowerBound(run.rows, t);
      if (run.rows[i]?.id === id) return run.start + i;
    }
    // Not where its order says (only after pages read at different moments): look everywhere.
    for (const run of this.runs) {
      const i = run.rows.findIndex((row) => row.id === id);
      if (i >= 0) return run.start + i;
    }
    return undefined;
  }

  /** Forgets the rows at indices [from, to), leaving a hole (nothing moves). */
  private drop(from: number, to: number): void {
    const out: Run[] = [];
    for (const run of this.runs) {
      if (end(run) <= from || run.start >= to) {
        out.push(run);
        continue;
      }
      for (const t of run.rows.slice(Math.max(0, from - run.start), Math.min(run.rows.length, to - run.start)))
        this.byId.delete(t.id);
      if (run.start < from) out.push({ start: run.start, rows: run.rows.slice(0, from - run.start) });
      if (end(run) > to) out.push({ start: to, rows: run.rows.slice(to - run.start) });
    }
    this.runs = out;
  }

  private dropAt(index: number): void {
    this.drop(index, index + 1);
  }

  private mergeTouching(): void {
    for (let i = this.runs.length - 1; i > 0; i--) {
      const before = this.runs[i - 1]!;
      const run = this.runs[i]!;
      if (end(before) === run.start) {
        before.rows = before.rows.concat(run.rows); // not push(...rows): a long run would overflow the stack
        this.runs.splice(i, 1);
      }
    }
  }

  private pagesOf(runs: readonly Run[], size: number): number[] {
    const pages = new Set<number>();
    for (const run of runs) for (let p = Math.floor(run.start / size); p * size < end(run); p++) pages.add(p);
    return [...pages].sort((a, b) => a - b);
  }
}
