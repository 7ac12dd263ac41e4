// The one lifecycle shape of the engine's long-lived parts (docs/ARCHITECTURE.md, style rule 9), and the
// group createEngine starts and stops them with.

/**
 * A part of the engine with work of its own in the background (timers, watchers, runs). `start(signal)`
 * begins it; `signal` is the engine's lifetime and aborts as the engine begins to stop, before any
 * `stop()`: from then on the service takes on no new work. `stop()` ends the work under way and resolves
 * once nothing of it runs.
 */
export interface Service {
  start(signal: AbortSignal): Promise<void> | void;
  stop(): Promise<void>;
}

/** What a service uses but that has no work of its own until used (a thread, a pool): only stopped. */
export interface Resource {
  stop(): Promise<void> | void;
}

/**
 * Resources and services in the order they depend on each other: started in that order, all told to stop
 * at once through one abort signal, then stopped one at a time in reverse order.
 */
export class ServiceGroup {
  readonly #lifetime = new AbortController();
  readonly #members: Resource[] = [];

  /** A resource, stopped after every service added later (they use it). */
  hold<T extends Resource>(resource: T): T {
    this.#members.push(resource);
    return resource;
  }

  async start(service: Service): Promise<void> {
    this.#members.push(service);
    await service.start(this.#lifetime.signal);
  }

  async stop(): Promise<void> {
    this.#lifetime.abort();
    for (const member of [...this.#members].reverse()) await member.stop();
  }
}
