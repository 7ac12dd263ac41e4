// The window's copy of the engine's state, kept current by pushed events only (no polling): one full
// read when a connection opens, then transfers.changed / transfers.removed / totals / session / folders.
// Components read slices through useSyncExternalStore (see hooks.ts).
import type { Folder, Session, Totals, Transfer } from '../../../electron/common/contract.js';
import type { Connection, ConnectionStatus } from '../api/index.js';

export interface TransfersSnapshot {
  /** Newest first. */
  list: readonly Transfer[];
  version: number;
}

const newestFirst = (a: Transfer, b: Transfer) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1);

export class EngineStore {
  session: Session | undefined;
  totals: Totals | undefined;
  folders: readonly Folder[] = [];
  transfers: TransfersSnapshot = { list: [], version: 0 };
  status: ConnectionStatus;
  private readonly byId = new Map<string, Transfer>();
  private readonly listeners = new Set<() => void>();
  private readonly offs: (() => void)[] = [];
  private sortScheduled = false;

  constructor(readonly connection: Connection) {
    const { client } = connection;
    this.status = connection.status();
    this.offs.push(
      client.on('session', (s) => this.set(() => (this.session = s))),
      client.on('totals', (t) => this.set(() => (this.totals = t))),
      client.on('folders', ({ folders }) => this.set(() => (this.folders = folders))),
      client.on('transfers.changed', ({ transfers }) => {
        for (const t of transfers) this.byId.set(t.id, t);
        this.scheduleSort();
      }),
      client.on('transfers.removed', ({ ids }) => {
        for (const id of ids) this.byId.delete(id);
        this.scheduleSort();
      }),
      connection.onStatus((status) => {
        this.set(() => (this.status = status));
        if (status === 'open') void this.load();
      }),
    );
    void this.load();
  }

  /** A full read; events keep it current afterwards. */
  async load(): Promise<void> {
    const { client } = this.connection;
    try {
      const [session, totals, folders, transfers] = await Promise.all([
        client.call('session.get', {}),
        client.call('transfers.totals', {}),
        client.call('folders.list', {}),
        client.call('transfers.list', {}),
      ]);
      this.byId.clear();
      for (const t of transfers) this.byId.set(t.id, t);
      this.set(() => {
        this.session = session;
        this.totals = totals;
        this.folders = folders;
      });
      this.scheduleSort();
    } catch (err) {
      // A dropped connection retries on reconnect; anything else is worth a line in the console.
      if ((err as { code?: string }).code !== 'disconnected') console.error('could not read the engine state', err);
    }
  }

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
    this.connection.close();
  }

  private set(change: () => void): void {
    change();
    this.listeners.forEach((l) => l());
  }

  /** Bursts of events become one re-sort per frame, however many arrive. */
  private scheduleSort(): void {
    if (this.sortScheduled) return;
    this.sortScheduled = true;
    requestAnimationFrame(() => {
      this.sortScheduled = false;
      const list = [...this.byId.values()].sort(newestFirst);
      this.set(() => (this.transfers = { list, version: this.transfers.version + 1 }));
    });
  }
}
