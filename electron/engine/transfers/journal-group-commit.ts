// Group commit: writes asked for in the same turn of the event loop go to SQLite in one transaction.
// Each commit appends to the WAL and updates its index; many small files finishing together would
// otherwise pay that once per file. Callers still learn the outcome only after their write is
// committed, so "journaled before it is reported" holds (docs/ARCHITECTURE.md, Data safety: Journal before report).
import type Database from 'better-sqlite3';

interface Waiting<A, R> {
  args: A;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

/**
 * Returns `write` grouped: every call made before the event loop's next check phase is committed in
 * one transaction. A transaction that fails is not the end of the calls in it: each is run again on
 * its own, so each gets its own outcome (one bad row does not fail the others; a full disk fails each).
 */
export function groupCommit<A extends unknown[], R>(
  sqlite: Database.Database,
  write: (...args: A) => R,
): (...args: A) => Promise<R> {
  let waiting: Waiting<A, R>[] = [];
  const writeAll = sqlite.transaction((batch: Waiting<A, R>[]) => batch.map((w) => write(...w.args)));
  const flush = (): void => {
    const batch = waiting;
    waiting = [];
    let results: R[];
    try {
      results = batch.length === 1 ? [write(...batch[0]!.args)] : writeAll(batch);
    } catch (error) {
      if (batch.length === 1) return batch[0]!.reject(error);
      for (const w of batch) {
        try {
          w.resolve(write(...w.args));
        } catch (own) {
          w.reject(own);
        }
      }
      return;
    }
    batch.forEach((w, i) => w.resolve(results[i]!));
  };
  return (...args: A) =>
    new Promise<R>((resolve, reject) => {
      waiting.push({ args, resolve, reject });
      if (waiting.length === 1) setImmediate(flush);
    });
}
