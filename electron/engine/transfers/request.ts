// Request-level retries: transient errors and SlowDown back off and retry the same request; expired
// tokens refresh credentials; a lost network parks every request at one shared gate that probes
// with growing delays (no busy loop) and lets all of them continue when a request succeeds again.
import { abortableSleep } from '../platform/sleep.js';
import {
  backoffMs,
  classify,
  MAX_TRANSIENT_ATTEMPTS,
  NETWORK_BACKOFF,
  THROTTLE_BACKOFF,
  TRANSIENT_BACKOFF,
} from './retry.js';

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** One per queue: while the network is down, requests wait here instead of each probing on its own. */
export class NetworkGate {
  private down = false;
  private attempt = 0;
  private release: Promise<void> = Promise.resolve();
  private open: () => void = () => {};
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly random: () => number = Math.random) {}

  get isDown(): boolean {
    return this.down;
  }

  reportDown(): void {
    if (this.down) return;
    this.down = true;
    // Equal jitter: never (almost) zero, so a dead network is probed at a calm, growing pace.
    const ceiling = Math.min(NETWORK_BACKOFF.capMs, NETWORK_BACKOFF.baseMs * 2 ** Math.min(this.attempt++, 20));
    const delay = ceiling / 2 + this.random() * (ceiling / 2);
    this.release = new Promise((resolve) => {
      this.open = () => {
        clearTimeout(this.timer);
        this.down = false;
        resolve();
      };
      this.timer = setTimeout(this.open, delay);
    });
  }

  /** Somewhere new to send to (the target changed): let every waiting request try at once. */
  reset(): void {
    this.attempt = 0;
    this.open();
  }

  reportUp(): void {
    this.attempt = 0;
  }

  async wait(signal?: AbortSignal): Promise<void> {
    while (this.down) {
      signal?.throwIfAborted();
      await new Promise<void>((resolve, reject) => {
        const onAbort = (): void => reject(signal?.reason as Error);
        signal?.addEventListener('abort', onAbort, { once: true });
        void this.release.then(() => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        });
      });
    }
  }

  stop(): void {
    clearTimeout(this.timer);
    this.down = false;
  }
}

export interface RequestContext {
  signal: AbortSignal;
  gate: NetworkGate;
  refreshCredentials?: () => Promise<void>;
  /** Called with 'network' while parked at the gate, undefined once requests go through again. */
  onWaiting?: (reason: 'network' | undefined) => void;
  sleep?: Sleep;
  random?: () => number;
}

/** Runs `send` until it succeeds, or throws what the transfer must handle (abort, sign-in, permanent, exhausted). */
export async function withRetries<T>(ctx: RequestContext, send: () => Promise<T>): Promise<T> {
  const sleep = ctx.sleep ?? abortableSleep;
  let transient = 0;
  let credentialRefreshes = 0;
  let waiting = false;
  for (;;) {
    await ctx.gate.wait(ctx.signal);
    try {
      const result = await send();
      ctx.gate.reportUp();
      if (waiting) ctx.onWaiting?.(undefined);
      return result;
    } catch (error) {
      const kind = classify(error, ctx.signal);
      switch (kind) {
        case 'network':
          waiting = true;
          ctx.onWaiting?.('network');
          ctx.gate.reportDown();
          continue;
        case 'credentials':
          if (credentialRefreshes++ >= 3) throw error;
          await ctx.refreshCredentials?.();
          continue;
        case 'transient':
        case 'throttled':
          if (++transient >= MAX_TRANSIENT_ATTEMPTS) throw error;
          await sleep(
            backoffMs(transient - 1, kind === 'throttled' ? THROTTLE_BACKOFF : TRANSIENT_BACKOFF, ctx.random),
            ctx.signal,
          );
          continue;
        default:
          throw error;
      }
    }
  }
}
