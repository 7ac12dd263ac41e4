// The signed-in session: sign in through the broker, restore from the keychain at start, keep the
// OpenID token fresh (one refresh at a time: rotating refresh tokens must never be spent twice),
// and sign out. Holds the only copy of secrets outside the keychain; exposes none of them.
import type { Session, SignInMethods } from '../../common/contract.js';
import { createBrokerClient, type BrokerClient, type BrokerSession } from './broker-client.js';
import { startBrowserSignIn } from './browser-sign-in.js';
import { BrowserSignInError, NetworkUnavailableError, SignInRequiredError } from './errors.js';
import type { SecretStore } from './secret-store.js';
import type { Logger } from '../platform/log.js';

/** What the keychain holds: enough to restore the session with no prompt. */
interface StoredSession {
  brokerUrl: string;
  username: string;
  identityId: string;
  refreshToken: string;
}
const sessionAccount = 'session';

/** Where and as whom uploads go: everything the upload side needs, nothing secret. */
/** How often storage that stopped answering may make us ask the broker where it is now. */
const RECHECK_MS = 15_000;

export interface Identity {
  identityId: string;
  region: string;
  identityPoolId: string;
  bucket: string;
  keyPrefix: string;
  endpoints?: { cognitoIdentity: string; s3: string };
}

export interface SessionManagerOptions {
  secrets: SecretStore;
  /** Shown to the user when the keychain is not available. */
  secretsNotice?: string;
  defaultBrokerUrl: string;
  /** True when the default broker is the built-in local stack. */
  localMode: boolean;
  log: Logger;
  now?: () => number;
  brokerClient?: (brokerUrl: string) => BrokerClient;
  /** Refresh the OpenID token when less than this is left (ms). */
  tokenRefreshMarginMs?: number;
}

type State = Session['state'];

export class SessionManager {
  #state: State = 'signed-out';
  #brokerUrl: string;
  #username: string | undefined;
  #identityId: string | undefined;
  #current: BrokerSession | undefined;
  #refreshToken: string | undefined;
  #refreshing: Promise<BrokerSession> | undefined;
  #lastRecheck = -Infinity;
  #tokenReceivedAt = 0;
  #retryTimer: NodeJS.Timeout | undefined;
  #retryDelayMs = 0;
  /** The browser or device sign-in under way, if any: one at a time. */
  #pending: { cancel(): void } | undefined;
  #signInError: string | undefined;
  readonly #listeners = new Set<(session: Session) => void>();
  readonly #identityListeners = new Set<(identity: Identity | undefined) => void>();
  readonly #now: () => number;
  readonly #client: (brokerUrl: string) => BrokerClient;

  constructor(private readonly options: SessionManagerOptions) {
    this.#brokerUrl = options.defaultBrokerUrl;
    this.#now = options.now ?? Date.now;
    this.#client = options.brokerClient ?? ((url) => createBrokerClient(url));
  }

  /** The session as the UI may see it: no token, no key. */
  view(): Session {
    return {
      state: this.#state,
      ...(this.#username ? { username: this.#username } : {}),
      ...(this.#identityId ? { identityId: this.#identityId } : {}),
      brokerUrl: this.#brokerUrl,
      localMode: this.options.localMode && this.#brokerUrl === this.options.defaultBrokerUrl,
      keychain: this.options.secrets.kind,
      ...(this.options.secretsNotice ? { notice: this.options.secretsNotice } : {}),
      ...(this.#signInError ? { signInError: this.#signInError } : {}),
    };
  }

  identity(): Identity | undefined {
    if (this.#state !== 'signed-in' || !this.#current) return undefined;
    const { identityId, region, identityPoolId, bucket, keyPrefix, endpoints } = this.#current;
    return { identityId, region, identityPoolId, bucket, keyPrefix, ...(endpoints ? { endpoints } : {}) };
  }

  onChange(listener: (session: Session) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Called with the identity whenever uploads may (identity) or may not (undefined) proceed. */
  onIdentity(listener: (identity: Identity | undefined) => void): () => void {
    this.#identityListeners.add(listener);
    return () => this.#identityListeners.delete(listener);
  }

  /** Start signed in from the keychain, with no prompt, when a session was kept there. */
  async restore(): Promise<void> {
    const raw = await this.options.secrets.get(sessionAccount).catch((error: unknown) => {
      this.options.log.warn('keychain read failed', { error: String(error) });
      return null;
    });
    if (!raw) return;
    let stored: StoredSession;
    try {
      stored = JSON.parse(raw) as StoredSession;
    } catch {
      this.options.log.warn('keychain entry unreadable; signing out');
      await this.options.secrets.delete(sessionAccount);
      return;
    }
    this.#brokerUrl = stored.brokerUrl;
    this.#username = stored.username;
    this.#identityId = stored.identityId;
    this.#refreshToken = stored.refreshToken;
    try {
      await this.#refresh();
    } catch (error) {
      this.#handleRefreshFailure(error);
    }
  }

  async signIn(username: string, password: string, brokerUrl = this.#brokerUrl): Promise<Session> {
    const session = await this.#client(brokerUrl).signIn(username, password);
    if (this.#identityId && this.#identityId !== session.identityId) {
      this.options.log.info('signed in as a different identity; earlier uploads stay with their own identity');
    }
    this.#brokerUrl = brokerUrl;
    this.#username = username;
    await this.#accept(session);
    return this.view();
  }

  async signInMethods(brokerUrl = this.#brokerUrl): Promise<SignInMethods> {
    const methods = await this.#client(brokerUrl).signInMethods();
    return { password: methods.password, browser: methods.oidc !== undefined, device: methods.oidc?.deviceAuthorization ?? false };
  }

  /**
   * Starts a sign-in in the system browser and returns its address (opened with `openUrl` when the host
   * has one). The outcome is a `session` change: signed in, or `signInError` saying why not.
   */
  async signInWithBrowser(brokerUrl = this.#brokerUrl, openUrl?: (url: string) => Promise<void>): Promise<{ url: string; opened: boolean }> {
    this.#cancelPending();
    const flow = await startBrowserSignIn(this.#client(brokerUrl));
    this.#pending = flow;
    this.#setSignInError(undefined);
    flow.done.then(
      (session) => this.#finishExternal(flow, brokerUrl, session),
      (error: unknown) => this.#externalFailed(flow, error),
    );
    let opened = false;
    if (openUrl) {
      opened = await openUrl(flow.url).then(
        () => true,
        (error: unknown) => (this.options.log.warn('could not open the browser', { error: String(error) }), false),
      );
    }
    return { url: flow.url, opened };
  }

  /** Starts a device-grant sign-in: the user confirms the code elsewhere while this polls the broker. */
  async signInWithDevice(brokerUrl = this.#brokerUrl): Promise<{ verificationUri: string; verificationUriComplete?: string; userCode: string; expiresIn: number }> {
    this.#cancelPending();
    const client = this.#client(brokerUrl);
    const start = await client.startDevice();
    let timer: NodeJS.Timeout | undefined;
    let stopped = false;
    const flow = {
      cancel() {
        stopped = true;
        clearTimeout(timer);
      },
    };
    this.#pending = flow;
    this.#setSignInError(undefined);
    const deadline = this.#now() + start.expiresIn * 1000;
    let intervalMs = start.interval * 1000;
    const poll = async (): Promise<void> => {
      if (stopped) return;
      if (this.#now() >= deadline) return this.#externalFailed(flow, new BrowserSignInError('The code expired before the sign-in was confirmed. Start again.'));
      try {
        const answer = await client.pollDevice(start.deviceCode);
        if (stopped) return;
        if (answer.status === 'done') return await this.#finishExternal(flow, brokerUrl, answer.session);
        if (answer.status === 'slow_down') intervalMs += 5000; // as RFC 8628 asks
      } catch (error) {
        if (!(error instanceof NetworkUnavailableError)) return this.#externalFailed(flow, error);
      }
      timer = setTimeout(() => void poll(), intervalMs);
    };
    timer = setTimeout(() => void poll(), intervalMs);
    return {
      verificationUri: start.verificationUri,
      ...(start.verificationUriComplete ? { verificationUriComplete: start.verificationUriComplete } : {}),
      userCode: start.userCode,
      expiresIn: start.expiresIn,
    };
  }

  async #finishExternal(flow: { cancel(): void }, brokerUrl: string, session: BrokerSession): Promise<void> {
    if (this.#pending !== flow) return;
    this.#pending = undefined;
    if (this.#identityId && this.#identityId !== session.identityId) {
      this.options.log.info('signed in as a different identity; earlier uploads stay with their own identity');
    }
    this.#brokerUrl = brokerUrl;
    this.#username = session.username ?? 'organisation account';
    this.#signInError = undefined;
    await this.#accept(session);
    // Said even when the state stays "signed-in" (signing in again): whoever started the sign-in waits for it.
    for (const listener of this.#listeners) listener(this.view());
  }

  #externalFailed(flow: { cancel(): void }, error: unknown): void {
    if (this.#pending !== flow) return;
    this.#pending = undefined;
    flow.cancel();
    const message = error instanceof Error ? error.message : String(error);
    this.options.log.info('browser or device sign-in did not finish', { error: message });
    this.#setSignInError(message);
  }

  #cancelPending(): void {
    this.#pending?.cancel();
    this.#pending = undefined;
  }

  #setSignInError(message: string | undefined): void {
    if (this.#signInError === message) return;
    this.#signInError = message;
    for (const listener of this.#listeners) listener(this.view());
  }

  async signOut(): Promise<Session> {
    const refreshToken = this.#refreshToken;
    clearTimeout(this.#retryTimer);
    this.#current = undefined;
    this.#refreshToken = undefined;
    this.#identityId = undefined;
    this.#username = undefined;
    this.#setState('signed-out');
    this.#emitIdentity(); // the queue stops sending; transfers stay journaled for this identity
    await this.options.secrets.delete(sessionAccount).catch((error: unknown) => this.options.log.warn('keychain delete failed', { error: String(error) }));
    if (refreshToken) {
      // Revoking is best effort: the keychain entry is already gone, so this device is signed out either way.
      await this.#client(this.#brokerUrl)
        .signOut(refreshToken)
        .catch((error: unknown) => this.options.log.warn('broker sign-out failed', { error: String(error) }));
    }
    return this.view();
  }

  /** A valid OpenID token for GetCredentialsForIdentity, refreshed through the broker when near expiry. */
  async openIdToken(options: { forceRefresh?: boolean } = {}): Promise<string> {
    const margin = this.options.tokenRefreshMarginMs ?? 60_000;
    const current = this.#current;
    if (current && !options.forceRefresh) {
      const left = current.tokenExpiresAt.getTime() - this.#now();
      const lifetime = current.tokenExpiresAt.getTime() - this.#tokenReceivedAt;
      // Short-lived tokens (tests use seconds) refresh at half-life, not on every call.
      if (left > Math.min(margin, lifetime / 2)) return current.token;
    }
    if (this.#state === 'signed-out') throw new SignInRequiredError('Sign in to continue.');
    try {
      return (await this.#refresh()).token;
    } catch (error) {
      this.#handleRefreshFailure(error);
      throw error;
    }
  }

  /** One refresh at a time: concurrent callers share it, so a rotating refresh token is spent once. */
  #refresh(): Promise<BrokerSession> {
    this.#refreshing ??= (async () => {
      const refreshToken = this.#refreshToken;
      if (!refreshToken) throw new SignInRequiredError('Sign in to continue.');
      const session = await this.#client(this.#brokerUrl).refresh(refreshToken);
      await this.#accept(session);
      this.options.log.debug('session refreshed', { expiresAt: session.tokenExpiresAt.toISOString() });
      return session;
    })().finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  /**
   * Storage stopped answering. A broker that names its own endpoints (a local or private cloud) may
   * have moved them (restarted on other ports): ask it again, at most once per RECHECK_MS. A new
   * answer with other endpoints reaches the queue as a new identity; real AWS endpoints never move.
   */
  recheckEndpoints(): void {
    if (!this.#current?.endpoints || this.#now() - this.#lastRecheck < RECHECK_MS) return;
    this.#lastRecheck = this.#now();
    this.#refresh().catch((error: unknown) => this.#handleRefreshFailure(error));
  }

  async #accept(session: BrokerSession): Promise<void> {
    const before = this.#current;
    const identityChanged = before?.identityId !== session.identityId;
    const placeChanged =
      before !== undefined &&
      (before.bucket !== session.bucket || before.region !== session.region || JSON.stringify(before.endpoints) !== JSON.stringify(session.endpoints));
    this.#current = session;
    this.#tokenReceivedAt = this.#now();
    this.#refreshToken = session.refreshToken;
    this.#retryDelayMs = 0;
    clearTimeout(this.#retryTimer);
    this.#identityId = session.identityId;
    // The rotated refresh token is saved before anything else can need it.
    const stored: StoredSession = { brokerUrl: this.#brokerUrl, username: this.#username ?? '', identityId: session.identityId, refreshToken: session.refreshToken };
    await this.options.secrets.set(sessionAccount, JSON.stringify(stored)).catch((error: unknown) => {
      this.options.log.warn('keychain write failed; the session lasts until Hoist quits', { error: String(error) });
    });
    const wasSignedIn = this.#state === 'signed-in';
    this.#setState('signed-in');
    if (!wasSignedIn || identityChanged || placeChanged) this.#emitIdentity();
  }

  #handleRefreshFailure(error: unknown): void {
    if (error instanceof SignInRequiredError) {
      this.#current = undefined;
      this.#setState('needs-sign-in');
      this.#emitIdentity();
    } else if (error instanceof NetworkUnavailableError) {
      // Keep the session and try again with backoff; uploads wait meanwhile and continue on success.
      this.#setState('waiting-network');
      this.#scheduleRetry();
    } else {
      this.options.log.error('session refresh failed', { error: error instanceof Error ? error.message : String(error) });
    }
  }

  #scheduleRetry(): void {
    clearTimeout(this.#retryTimer);
    this.#retryDelayMs = Math.min(60_000, Math.max(1_000, this.#retryDelayMs * 2));
    this.#retryTimer = setTimeout(() => {
      this.#refresh().catch((error: unknown) => this.#handleRefreshFailure(error));
    }, this.#retryDelayMs);
    this.#retryTimer.unref();
  }

  /** Stops background retries (the engine is closing). */
  stop(): void {
    clearTimeout(this.#retryTimer);
    this.#cancelPending();
  }

  #setState(state: State): void {
    const changed = this.#state !== state;
    this.#state = state;
    if (changed) for (const listener of this.#listeners) listener(this.view());
  }

  #emitIdentity(): void {
    const identity = this.identity();
    for (const listener of this.#identityListeners) listener(identity);
  }
}
