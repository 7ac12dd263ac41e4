// Sign-ins finished outside this process — in the system browser or on another device — one at a time:
// starting one cancels the one under way, and its outcome is either kept through the session's one way in
// (`adopt`) or shown as the sign-in error until the next attempt.
import type { Logger } from '../platform/log.js';
import { sameBroker } from '../net/trust.js';
import type { BrokerClient, BrokerSession } from './broker-client.js';
import { startBrowserSignIn, type PendingSignIn } from './browser-sign-in.js';
import { startDeviceSignIn } from './device-sign-in.js';
import { BrokerChangeError } from './errors.js';

export interface ExternalSignInHost {
  /** The broker sign-ins go to now. */
  brokerUrl(): string;
  client(brokerUrl: string): BrokerClient;
  /** Keeps the answer as the session, checked as every sign-in is; throws when it is refused. */
  adopt(answer: BrokerSession): Promise<void>;
  /** The session's view changed: the sign-in error was set or cleared, or a sign-in finished. */
  changed(): void;
  log: Logger;
  now: () => number;
}

export interface DeviceCode {
  verificationUri: string;
  verificationUriComplete?: string;
  userCode: string;
  expiresIn: number;
}

export class ExternalSignIns {
  #pending: PendingSignIn | undefined;
  #error: string | undefined;

  constructor(private readonly host: ExternalSignInHost) {}

  /** Why the last browser or device sign-in did not finish, until the next one starts. */
  get error(): string | undefined {
    return this.#error;
  }

  async browser(openUrl?: (url: string) => Promise<void>): Promise<{ url: string; opened: boolean }> {
    this.cancel();
    const brokerUrl = this.host.brokerUrl();
    const flow = await startBrowserSignIn(this.host.client(brokerUrl));
    this.#follow(flow, brokerUrl);
    let opened = false;
    if (openUrl) {
      opened = await openUrl(flow.url).then(
        () => true,
        (error: unknown) => (this.host.log.warn('could not open the browser', { error: String(error) }), false),
      );
    }
    return { url: flow.url, opened };
  }

  async device(): Promise<DeviceCode> {
    this.cancel();
    const brokerUrl = this.host.brokerUrl();
    const flow = await startDeviceSignIn(this.host.client(brokerUrl), { now: this.host.now });
    this.#follow(flow, brokerUrl);
    return {
      verificationUri: flow.url,
      ...(flow.urlWithCode ? { verificationUriComplete: flow.urlWithCode } : {}),
      userCode: flow.userCode,
      expiresIn: flow.expiresIn,
    };
  }

  /** Stops waiting for the sign-in under way, if any. */
  cancel(): void {
    this.#pending?.cancel();
    this.#pending = undefined;
  }

  #follow(flow: PendingSignIn, brokerUrl: string): void {
    this.#pending = flow;
    this.#setError(undefined);
    flow.done.then(
      (session) => this.#finish(flow, brokerUrl, session),
      (error: unknown) => this.#failed(flow, error),
    );
  }

  async #finish(flow: PendingSignIn, brokerUrl: string, answer: BrokerSession): Promise<void> {
    if (this.#pending !== flow) return;
    if (!sameBroker(brokerUrl, this.host.brokerUrl())) {
      // A session this client will not use: give it back (best effort).
      void this.host
        .client(brokerUrl)
        .signOut(answer.refreshToken)
        .catch(() => undefined);
      return this.#failed(flow, new BrokerChangeError('The sign-in service changed while signing in. Start again.'));
    }
    try {
      await this.host.adopt(answer);
    } catch (error) {
      return this.#failed(flow, error);
    }
    if (this.#pending === flow) this.#pending = undefined;
    // Said even when the state stays "signed-in" (signing in again): whoever started the sign-in waits for it.
    this.host.changed();
  }

  #failed(flow: PendingSignIn, error: unknown): void {
    if (this.#pending !== flow) return;
    this.#pending = undefined;
    flow.cancel();
    const message = error instanceof Error ? error.message : String(error);
    this.host.log.info('browser or device sign-in did not finish', { error: message });
    this.#setError(message);
  }

  #setError(message: string | undefined): void {
    if (this.#error === message) return;
    this.#error = message;
    this.host.changed();
  }
}
