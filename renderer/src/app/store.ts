// The window's copy of the engine's state, kept current by pushed events only (no polling): session,
// totals and folders are read when a connection opens; transfers are read a page at a time as the list
// shows them (TransferPages), never all at once. Events: totals / session / folders replace their
// slice; transfers.changed / removed / invalidated go to the pages. Components read slices through
// useSyncExternalStore (see hooks.ts).
import type { Folder, Session, Totals, Transfer, TransferFilter } from '../../../electron/common/contract.js';
import type { Connection, ConnectionStatus } from '../api/index.js';
import { countOf } from '../features/transfers/filters.js';
import { ActionErrors } from './actionErrors.js';
import { TransferPages } from './transferPages.js';

export interface TransfersSnapshot {
  filter: TransferFilter;
  /** Rows in the filtered list (the filter's count in totals). */
  length: number;
  /** Bumped whenever a row held changes. */
  version: number;
}

export class EngineStore {
  session: Session | undefined;
  totals: Totals | undefined;
  folders: readonly Folder[] = [];
  transfers: TransfersSnapshot = { filter: 'all', length: 0, version: 0 };
  status: ConnectionStatus;
  /** Failed actions and reads, shown to the user (components/ActionErrorToasts.tsx). */
  readonly errors = new ActionErrors();
  private readonly pages: TransferPages;
  private readonly listeners = new Set<() => void>();
  private readonly offs: (() => void)[] = [];
  private frameScheduled = false;

  constructor(readonly connection: Connection) {
    const { client } = connection;
    this.status = connection.status();
    this.pages = new TransferPages(
      (filter, offset, limit) => client.call('transfers.list', { filter, offset, limit }),
      () => this.scheduleFrame(),
      { onError: (err) => this.errors.report('Could not read the transfer list', err) },
    );
    this.offs.push(
      client.on('session', (s) => this.set(() => (this.session = s))),
      client.on('totals', (t) => this.setTotals(t)),
      client.on('folders', ({ folders }) => this.set(() => (this.folders = folders))),
      client.on('transfers.changed', ({ transfers }) => this.pages.applyChanged(transfers)),
      client.on('transfers.removed', ({ ids }) => this.pages.applyRemoved(ids)),
      client.on('transfers.invalidated', () => this.pages.invalidate()),
      connection.onStatus((status) => {
        this.set(() => (this.status = status));
        if (status === 'open') void this.load();
      }),
    );
    void this.load();
  }

  /** Reads session, totals and folders, and the transfer pages held; events keep them current. */
  async load(): Promise<void> {
    const { client } = this.connection;
    this.pages.reload();
    try {
      const [session, totals, folders] = await Promise.all([
        client.call('session.get', {}),
        client.call('transfers.totals', {}),
        client.call('folders.list', {}),
      ]);
      this.set(() => {
        this.session = session;
        this.folders = folders;
      });
      this.setTotals(totals);
    } catch (err) {
      // A dropped connection retries on reconnect (the banner says so); anything else is shown.
      if ((err as { code?: string }).code !== 'disconnected')
        this.errors.report('Could not read the engine state', err);
    }
  }

  /** The row at `index` of the list shown, or undefined while its page is being read. */
  transferAt = (index: number): Transfer | undefined => this.pages.at(index);

  /** The rows the list has on screen: their pages are read (see TransferPages). */
  showRows = (first: number, last: number): void => this.pages.setView(first, last);

  /** Shows another filter: its first page is read, and its count comes from totals. */
  showFilter = (filter: TransferFilter): void => {
    this.pages.show(filter, countOf(filter, this.totals));
    this.publishTransfers(); // the tab follows the click at once, not a frame later
  };

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  };

  /** Apply a session returned by a command at once (sign-in, sign-out), before its event arrives. */
  setSession(session: Session): void {
    this.set(() => (this.session = session));
  }

  dispose(): void {
    this.offs.forEach((off) => off());
    this.pages.dispose();
    this.connection.close();
  }

  private setTotals(totals: Totals): void {
    this.set(() => (this.totals = totals));
    this.pages.setLength(countOf(this.pages.filter, totals));
  }

  private set(change: () => void): void {
    change();
    this.listeners.forEach((l) => l());
  }

  /** Bursts of transfer events become one new snapshot per frame, however many arrive. */
  private scheduleFrame(): void {
    if (this.frameScheduled) return;
    this.frameScheduled = true;
    requestAnimationFrame(() => {
      this.frameScheduled = false;
      this.publishTransfers();
    });
  }

  private publishTransfers(): void {
    const { filter, length } = this.pages;
    this.set(() => (this.transfers = { filter, length, version: this.transfers.version + 1 }));
  }
}
