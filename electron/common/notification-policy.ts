// When to interrupt someone with a desktop notification, decided from the engine's events alone (pure: no
// timers, no I/O; the desktop shell's electron/main/notifications.ts shows what this returns). One
// notification per finished batch, where a batch is the transfers of one origin (dropped or added files,
// or one watched folder) that finished with nothing else of that origin pending; and one for what needs
// the person: signing in again, a folder that became unavailable. Never one per file, and none at all
// with the `notifications` setting off (docs/ARCHITECTURE.md, Notifications).
import type { Folder, Session, Settings, Totals, Transfer } from './contract.js';

export interface Notice {
  title: string;
  body: string;
}

export type PolicyInput =
  | { kind: 'transfers'; transfers: Transfer[] }
  | { kind: 'removed'; ids: string[] }
  | { kind: 'totals'; totals: Totals }
  | { kind: 'folders'; folders: Folder[] }
  | { kind: 'session'; session: Session }
  | { kind: 'settings'; settings: Settings };

export interface NotificationPolicy {
  /** Takes one event; returns the notifications it calls for (usually none). */
  feed(input: PolicyInput): Notice[];
}

interface Batch {
  /** Unfinished transfers of this origin that are not paused: the batch is not over while there are any. */
  pending: Set<string>;
  done: number;
  failed: number;
  firstFailure?: { name: string; message: string };
}

const MAX_REMEMBERED = 100_000;

/** States in which a transfer will still finish by itself. */
const running = new Set<Transfer['state']>(['queued', 'uploading', 'waiting', 'verifying']);

/** `startedAt`: transfers that finished before it (history re-sent) are not news. */
export function createNotificationPolicy(options: { startedAt: number; enabled?: boolean }): NotificationPolicy {
  let enabled = options.enabled ?? true;
  const batches = new Map<string, Batch>();
  /** The last state seen of each transfer, and its batch: finishing counts once. */
  const seen = new Map<string, { batch: string; state: Transfer['state'] }>();
  const labels = new Map<string, string>();
  const folderStates = new Map<string, Folder['state']>();
  let sessionState: Session['state'] | undefined;
  let totals: Totals | undefined;

  const batchOf = (key: string): Batch => {
    let batch = batches.get(key);
    if (!batch) batches.set(key, (batch = { pending: new Set(), done: 0, failed: 0 }));
    return batch;
  };

  const onTransfer = (t: Transfer) => {
    const key = t.origin.kind === 'folder' ? `folder:${t.origin.folderId}` : 'drop';
    const before = finished.has(t.id) ? 'done' : seen.get(t.id)?.state;
    seen.set(t.id, { batch: key, state: t.state });
    const batch = batchOf(key);
    if (running.has(t.state)) {
      batch.pending.add(t.id);
      return;
    }
    batch.pending.delete(t.id);
    if (before === t.state) return;
    // First seen already finished: news only if it finished while we were listening.
    const fresh = before !== undefined || (t.finishedAt ?? 0) >= options.startedAt;
    if (t.state === 'done' && fresh) batch.done++;
    if (t.state === 'failed' && fresh) {
      batch.failed++;
      batch.firstFailure ??= { name: t.name, message: t.error?.message ?? 'it failed' };
    }
    if (t.state === 'done') remember(t.id);
  };

  /** Finished transfers, so a row sent again is not counted again; the oldest are forgotten past a bound. */
  const finished = new Set<string>();
  const remember = (id: string) => {
    seen.delete(id);
    finished.add(id);
    if (finished.size > MAX_REMEMBERED)
      for (const old of [...finished].slice(0, MAX_REMEMBERED / 2)) finished.delete(old);
  };

  /**
   * Batches that are over: none of their transfers pending, and every transfer the queue counts as
   * pending known to belong elsewhere (past a page of queued transfers the engine sends counts, not rows:
   * then any batch may still have some, and all wait).
   */
  const finishedBatches = (): Notice[] => {
    if (!totals) return [];
    let known = 0;
    for (const batch of batches.values()) known += batch.pending.size;
    if (totals.active + totals.queued > known) return [];
    const notices: Notice[] = [];
    for (const [key, batch] of batches) {
      if (batch.pending.size > 0 || batch.done + batch.failed === 0) continue;
      notices.push(batchNotice(batch, key.startsWith('folder:') ? labels.get(key.slice(7)) : undefined));
      batches.delete(key);
    }
    return notices;
  };

  const onFolders = (folders: Folder[]): Notice[] => {
    const lost: Folder[] = [];
    for (const folder of folders) {
      labels.set(folder.id, folder.label);
      const before = folderStates.get(folder.id);
      folderStates.set(folder.id, folder.state);
      const unavailable = folder.state === 'unavailable' || folder.state === 'error';
      if (unavailable && before !== undefined && before !== folder.state) lost.push(folder);
    }
    if (lost.length === 0) return [];
    if (lost.length > 1)
      return [
        {
          title: `${lost.length} watched folders are unavailable`,
          body: `${lost.map((f) => f.label).join(', ')}: Hoist picks them up again when they are back.`,
        },
      ];
    const folder = lost[0]!;
    return [
      {
        title: `“${folder.label}” is unavailable`,
        body: folder.message ?? 'The folder cannot be reached. Hoist picks it up again when it is back.',
      },
    ];
  };

  const onSession = (session: Session): Notice[] => {
    const before = sessionState;
    sessionState = session.state;
    if (session.state !== 'needs-sign-in' || before === undefined || before === 'needs-sign-in') return [];
    return [
      {
        title: 'Sign in to Hoist again',
        body: session.notice ?? 'Your sign-in has ended. Uploads wait until you sign in again.',
      },
    ];
  };

  const decide = (input: PolicyInput): Notice[] => {
    switch (input.kind) {
      case 'transfers':
        input.transfers.forEach(onTransfer);
        return [];
      case 'removed':
        for (const id of input.ids) {
          const entry = seen.get(id);
          if (entry) batches.get(entry.batch)?.pending.delete(id);
          seen.delete(id);
          finished.delete(id);
        }
        return [];
      case 'totals':
        totals = input.totals;
        return finishedBatches();
      case 'folders':
        return onFolders(input.folders);
      case 'session':
        return onSession(input.session);
      case 'settings':
        enabled = input.settings.notifications;
        return [];
    }
  };

  return {
    feed(input) {
      // Followed with the setting off too, so turning it on mid-batch counts the whole batch.
      const notices = decide(input);
      return enabled ? notices : [];
    },
  };
}

const files = (n: number) => (n === 1 ? '1 file' : `${n.toLocaleString('en')} files`);

function batchNotice(batch: Batch, label: string | undefined): Notice {
  const to = label ? ` to ${label}` : '';
  if (batch.failed === 0) return { title: 'Upload complete', body: `${files(batch.done)} uploaded${to}.` };
  const failure = batch.firstFailure!;
  const uploaded = batch.done > 0 ? `${files(batch.done)} uploaded${to}; ` : '';
  if (batch.failed === 1)
    return {
      title: 'A file could not be uploaded',
      body: `${uploaded}${failure.name}: ${failure.message}`,
    };
  return {
    title: `${batch.failed.toLocaleString('en')} files could not be uploaded`,
    body: `${uploaded}${failure.name}: ${failure.message} (and ${files(batch.failed - 1)} more; see Hoist)`,
  };
}
