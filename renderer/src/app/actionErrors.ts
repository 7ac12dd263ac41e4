// Failed actions, shown to the user instead of only logged: every action in the window runs through
// `run` (components reach it with useAction, hooks.ts), and a rejection becomes a message that
// components/ActionErrorToasts.tsx shows until it is dismissed. Plain TypeScript, no DOM: the store
// reports its failed reads here too.
import { messageOf } from '../api/errors.js';

export interface ActionError {
  id: number;
  /** What failed, as the user would say it: "Could not pause report.pdf". */
  action: string;
  /** Why, fit to show (the engine's message). */
  message: string;
}

/** Older messages give way to newer ones past this many. */
const maxShown = 3;

export class ActionErrors {
  private shown: readonly ActionError[] = [];
  private nextId = 1;
  private readonly listeners = new Set<() => void>();

  /** The messages on screen, oldest first (a new array after every change, for useSyncExternalStore). */
  current = (): readonly ActionError[] => this.shown;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  };

  /** Shows that `action` failed with `err`. The same failure twice in a row shows once. */
  report = (action: string, err: unknown): void => {
    const message = messageOf(err);
    const last = this.shown.at(-1);
    if (last && last.action === action && last.message === message) return;
    this.change([...this.shown, { id: this.nextId++, action, message }].slice(-maxShown));
  };

  /** Runs one action; if it rejects, the user sees `action` and the reason. */
  run = (action: string, call: () => Promise<unknown>): void => {
    let pending: Promise<unknown>;
    try {
      pending = call();
    } catch (err) {
      pending = Promise.reject(err);
    }
    pending.then(undefined, (err: unknown) => this.report(action, err));
  };

  dismiss = (id: number): void => {
    if (this.shown.some((e) => e.id === id)) this.change(this.shown.filter((e) => e.id !== id));
  };

  /** Escape: the newest message goes first. */
  dismissNewest = (): void => {
    const newest = this.shown.at(-1);
    if (newest) this.dismiss(newest.id);
  };

  private change(next: readonly ActionError[]): void {
    this.shown = next;
    this.listeners.forEach((l) => l());
  }
}
