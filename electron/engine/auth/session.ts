// The signed-in session: sign in through the broker, restore from the keychain at start, keep the
// OpenID token fresh (one refresh at a time: rotating refresh tokens must never be spent twice),
// and sign out. Holds the only copy of secrets outside the keychain; exposes none of them.
import type { Session, SignInMethods } from '../../common/contract.js';
import { createBrokerClient, type BrokerClient, type BrokerSession } from './broker-client.js';
import {
  checkMethodOffered,
  checkPinnedAnswer,
  deploymentView,
  offers,
  withTrustedEndpoints,
  type SignInMethod,
} from './answer-checks.js';
import { approveBrokerChange, type BrokerChange } from './broker-choice.js';
import { ExternalSignIns, type DeviceCode } from './external-sign-in.js';
import { DeploymentMismatchError, NetworkUnavailableError, SignInRequiredError } from './errors.js';
import { forgetKeptSession, keepSession, mayRestore, readKeptSession } from './kept-session.js';
import type { SecretStore } from './secret-store.js';
import type { Logger } from '../platform/log.js';
import type { LoadedDeployment } from '../deployment/file.js';
import { checkBrokerUrl } from '../net/trust.js';

/** How often storage that stopped answering may make us ask the broker where it is now. */
const RECHECK_MS = 15_000;

/** Where and as whom uploads go: everything the upload side needs, nothing secret. */
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
  /**
   * True when the default broker was chosen on purpose for this run (--broker, HOIST_BROKER_URL): a
   * session kept for another broker is then not used. Otherwise the kept session's broker is.
   */
  explicitBroker?: boolean;
  /** The company's pinned configuration: the broker never changes and its answers must match. */
  deployment?: LoadedDeployment;
  /**
   * Asks the person, outside the window, whether to leave the current session for another broker.
   * Absent (headless, command line): such a change is refused while signed in.
   */
  confirmBrokerChange?: (change: BrokerChange) => Promise<boolean>;
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
  readonly #external: ExternalSignIns;
  /** Why the last broker answer was refused, shown until the next sign-in. */
  #problem: string | undefined;
  #warnedEndpoints = false;
  readonly #listeners = new Set<(session: Session) => void>();
  readonly #identityListeners = new Set<(identity: Identity | undefined) => void>();
  readonly #now: () => number;
  readonly #client: (brokerUrl: string) => BrokerClient;

  constructor(private readonly options: SessionManagerOptions) {
    this.#brokerUrl = options.deployment?.deployment.brokerUrl ?? options.defaultBrokerUrl;
    this.#now = options.now ?? Date.now;
    this.#client = options.brokerClient ?? ((url) => createBrokerClient(url));
    this.#external = new ExternalSignIns({
      brokerUrl: () => this.#brokerUrl,
      client: (url) => this.#client(url),
      adopt: async (answer) => void (await this.signInWith('oidc', () => Promise.resolve(answer))),
      changed: () => this.#emitView(),
      log: options.log,
      now: this.#now,
    });
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
      ...(this.#problem || this.options.secretsNotice ? { notice: this.#problem ?? this.options.secretsNotice } : {}),
      ...(this.#external.error ? { signInError: this.#external.error } : {}),
      ...(this.options.deployment ? { deployment: deploymentView(this.options.deployment) } : {}),
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
    const stored = await readKeptSession(this.options.secrets, this.options.log);
    if (!stored) return;
    const chosen = Boolean(this.options.deployment || this.options.explicitBroker);
    if (!mayRestore(stored, { brokerUrl: this.#brokerUrl, chosen }, this.options.log)) return;
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

  /** Signs in at the configured broker; changing the broker is setBroker's job, never a side effect. */
  async signIn(username: string, password: string): Promise<Session> {
    return this.signInWith('password', (client) => client.signIn(username, password), username);
  }

  /**
   * Every way of signing in ends here: the method must be offered, the answer is checked against the
   * deployment and the trust rules before it is kept, and the broker is always the configured one.
   * Without a `username` the one the provider gave is shown.
   */
  async signInWith(
    method: SignInMethod,
    obtain: (client: BrokerClient) => Promise<BrokerSession>,
    username?: string,
  ): Promise<Session> {
    checkMethodOffered(this.options.deployment, method);
    const client = this.#client(this.#brokerUrl);
    const answer = await obtain(client);
    let session: BrokerSession;
    try {
      session = this.#checked(answer);
    } catch (error) {
      // The broker made a session this client will not use: give it back (best effort).
      void client.signOut(answer.refreshToken).catch(() => undefined);
      throw error;
    }
    if (this.#identityId && this.#identityId !== session.identityId) {
      this.options.log.info('signed in as a different identity; earlier uploads stay with their own identity');
    }
    this.#username = username ?? session.username ?? 'organisation account';
    await this.#accept(session);
    return this.view();
  }

  /** What a broker offers (another one than the configured one only to show what it would offer). */
  async signInMethods(brokerUrl = this.#brokerUrl): Promise<SignInMethods> {
    checkBrokerUrl(brokerUrl);
    const methods = await this.#client(brokerUrl).signInMethods();
    const allows = (method: SignInMethod): boolean => offers(this.options.deployment, method);
    const oidc = allows('oidc') ? methods.oidc : undefined;
    return {
      password: methods.password && allows('password'),
      browser: oidc !== undefined,
      device: oidc?.deviceAuthorization ?? false,
    };
  }

  /**
   * Starts a sign-in in the system browser and returns its address (opened with `openUrl` when the host
   * has one). The outcome is a `session` change: signed in, or `signInError` saying why not.
   */
  async signInWithBrowser(openUrl?: (url: string) => Promise<void>): Promise<{ url: string; opened: boolean }> {
    checkMethodOffered(this.options.deployment, 'oidc');
    return this.#external.browser(openUrl);
  }

  /** Starts a device-grant sign-in: the user confirms the code elsewhere while this polls the broker. */
  async signInWithDevice(): Promise<DeviceCode> {
    checkMethodOffered(this.options.deployment, 'oidc');
    return this.#external.device();
  }

  /**
   * Points the app at another sign-in service. Pinned deployments refuse; while a session exists the
   * person must confirm outside the window (confirmBrokerChange), and the session is signed out first.
   */
  async setBroker(brokerUrl: string): Promise<Session> {
    const hasSession = this.#state !== 'signed-out';
    const verdict = await approveBrokerChange({
      from: this.#brokerUrl,
      to: brokerUrl,
      ...(this.#username ? { username: this.#username } : {}),
      hasSession,
      deployment: this.options.deployment,
      confirm: this.options.confirmBrokerChange,
    });
    if (verdict === 'unchanged') return this.view();
    if (hasSession) await this.signOut();
    this.options.log.info('sign-in service changed', { from: this.#brokerUrl, to: brokerUrl });
    this.#brokerUrl = brokerUrl;
    this.#problem = undefined;
    this.#emitView();
    return this.view();
  }

  /**
   * A broker answer as this client may use it: refused when it disagrees with the pinned deployment
   * (before any credentials are asked for), and with endpoints only where the trust rules allow them.
   */
  #checked(answer: BrokerSession): BrokerSession {
    try {
      checkPinnedAnswer(this.options.deployment, answer);
    } catch (error) {
      if (error instanceof DeploymentMismatchError) this.#problem = error.message;
      throw error;
    }
    const { session, dropped } = withTrustedEndpoints(this.#brokerUrl, answer);
    if (dropped && answer.endpoints && !this.#warnedEndpoints) {
      this.#warnedEndpoints = true;
      this.options.log.warn(
        `the sign-in service named storage endpoints that are not all on this computer; using AWS's own endpoints for ${answer.region}`,
        { s3: answer.endpoints.s3, cognitoIdentity: answer.endpoints.cognitoIdentity },
      );
    }
    return session;
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
    await forgetKeptSession(this.options.secrets, this.options.log);
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
      const session = this.#checked(await this.#client(this.#brokerUrl).refresh(refreshToken));
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
      (before.bucket !== session.bucket ||
        before.region !== session.region ||
        JSON.stringify(before.endpoints) !== JSON.stringify(session.endpoints));
    this.#current = session;
    this.#tokenReceivedAt = this.#now();
    this.#refreshToken = session.refreshToken;
    this.#retryDelayMs = 0;
    clearTimeout(this.#retryTimer);
    this.#identityId = session.identityId;
    this.#problem = undefined;
    // The rotated refresh token is saved before anything else can need it.
    await keepSession(this.options.secrets, this.options.log, {
      brokerUrl: this.#brokerUrl,
      username: this.#username ?? '',
      identityId: session.identityId,
      refreshToken: session.refreshToken,
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
      this.options.log.error('session refresh failed', {
        error: error instanceof Error ? error.message : String(error),
      });
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

  /**
   * The engine's session service: restores the kept session; when the engine stops (`signal`), background
   * retries and a browser or device sign-in under way end.
   */
  async start(signal: AbortSignal): Promise<void> {
    signal.addEventListener('abort', () => this.#halt(), { once: true });
    await this.restore();
  }

  /** Stops background retries (the engine is closing). */
  async stop(): Promise<void> {
    this.#halt();
  }

  #halt(): void {
    clearTimeout(this.#retryTimer);
    this.#external.cancel();
  }

  #setState(state: State): void {
    const changed = this.#state !== state;
    this.#state = state;
    if (changed) for (const listener of this.#listeners) listener(this.view());
  }

  #emitView(): void {
    const view = this.view();
    for (const listener of this.#listeners) listener(view);
  }

  #emitIdentity(): void {
    const identity = this.identity();
    for (const listener of this.#identityListeners) listener(identity);
  }
}
