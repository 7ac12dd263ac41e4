// Native notifications: a thin adapter that feeds the engine's events to the notification policy
// (electron/common/notification-policy.ts: one per finished batch, and for what needs the user; none with
// the setting off) and shows what it returns. Clicking one opens the window.
import { Notification } from 'electron';
import type { EngineApi, EngineEventSource } from '../common/contract.js';
import { createNotificationPolicy, type Notice, type PolicyInput } from '../common/notification-policy.js';

export function notifyOnTransfers(engine: EngineApi & { events: EngineEventSource }, open: () => void): () => void {
  const policy = createNotificationPolicy({ startedAt: Date.now() });
  const show = ({ title, body }: Notice) => {
    if (!Notification.isSupported()) return;
    const n = new Notification({ title, body });
    n.on('click', open);
    n.show();
  };
  const heard = new Set<PolicyInput['kind']>();
  const feed = (input: PolicyInput) => {
    heard.add(input.kind);
    policy.feed(input).forEach(show);
  };
  /** The state at start, unless an event brought a newer one first. */
  const start = (input: PolicyInput) => void (heard.has(input.kind) || feed(input));
  const { events } = engine;
  const stops = [
    events.on('settings.changed', (settings) => feed({ kind: 'settings', settings })),
    events.on('session', (session) => feed({ kind: 'session', session })),
    events.on('folders', ({ folders }) => feed({ kind: 'folders', folders })),
    events.on('transfers.changed', ({ transfers }) => feed({ kind: 'transfers', transfers })),
    events.on('transfers.removed', ({ ids }) => feed({ kind: 'removed', ids })),
    events.on('totals', (totals) => feed({ kind: 'totals', totals })),
  ];
  // What holds now: the setting, the session and the folders' states to compare the next events with.
  void Promise.all([engine['settings.get']({}), engine['session.get']({}), engine['folders.list']({})]).then(
    ([settings, session, folders]) => {
      start({ kind: 'settings', settings });
      start({ kind: 'session', session });
      start({ kind: 'folders', folders });
    },
    () => undefined,
  );
  return () => stops.forEach((stop) => stop());
}
