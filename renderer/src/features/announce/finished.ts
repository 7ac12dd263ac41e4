// What the live region says about transfers: which ones just finished or failed, gathered into one
// sentence per batch. Plain TypeScript (no DOM, no timers) so the wording and the rules are unit-tested.
import type { Transfer } from '../../../../electron/common/contract.js';

type Ending = 'done' | 'failed';

/** Names listed in a sentence before "and N more". */
const namesShown = 3;

function list(names: string[]): string {
  if (names.length <= namesShown)
    return names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} and ${names.at(-1)!}`;
  return `${names.slice(0, namesShown).join(', ')} and ${(names.length - namesShown).toLocaleString()} more`;
}

/**
 * Collects transfers that reach "done" or "failed" (once per arrival there, however many progress or
 * repeated events come) until `take` says them all in one sentence.
 */
export class FinishedTransfers {
  private readonly lastState = new Map<string, Transfer['state']>();
  private pending: Record<Ending, string[]> = { done: [], failed: [] };

  /** Notes changed transfers; true when something new waits to be said. */
  add(transfers: readonly Transfer[]): boolean {
    let added = false;
    for (const t of transfers) {
      const before = this.lastState.get(t.id);
      this.lastState.set(t.id, t.state);
      if ((t.state === 'done' || t.state === 'failed') && before !== t.state) {
        this.pending[t.state].push(t.name);
        added = true;
      }
    }
    return added;
  }

  forget(ids: readonly string[]): void {
    for (const id of ids) this.lastState.delete(id);
  }

  /** The sentence for everything collected since the last call ('' when nothing was). */
  take(): string {
    const { done, failed } = this.pending;
    this.pending = { done: [], failed: [] };
    const parts: string[] = [];
    if (done.length === 1) parts.push(`Uploaded ${done[0]!}.`);
    else if (done.length > 1) parts.push(`${done.length.toLocaleString()} files uploaded: ${list(done)}.`);
    if (failed.length === 1) parts.push(`${failed[0]!} failed.`);
    else if (failed.length > 1) parts.push(`${failed.length.toLocaleString()} files failed: ${list(failed)}.`);
    return parts.join(' ');
  }
}
