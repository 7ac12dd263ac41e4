// The session kept in the OS keychain: enough to sign in again at start with no prompt. Only the
// refresh token is secret; a keychain that fails is logged and never stops the app.
import type { Logger } from '../platform/log.js';
import { checkBrokerUrl, sameBroker } from '../net/trust.js';
import type { SecretStore } from './secret-store.js';

/** What the keychain holds: enough to restore the session with no prompt. */
export interface KeptSession {
  brokerUrl: string;
  username: string;
  identityId: string;
  refreshToken: string;
}
const sessionAccount = 'session';

/** The kept session, or undefined when there is none or it cannot be read (an unreadable one is deleted). */
export async function readKeptSession(secrets: SecretStore, log: Logger): Promise<KeptSession | undefined> {
  const raw = await secrets.get(sessionAccount).catch((error: unknown) => {
    log.warn('keychain read failed', { error: String(error) });
    return null;
  });
  if (!raw) return undefined;
  try {
    return JSON.parse(raw) as KeptSession;
  } catch {
    log.warn('keychain entry unreadable; signing out');
    await secrets.delete(sessionAccount);
    return undefined;
  }
}

/**
 * Whether a kept session may be refreshed at start. One kept for another broker is not sent anywhere when
 * this run's broker was chosen on purpose or is pinned: its refresh token belongs to that other service.
 */
export function mayRestore(
  kept: KeptSession,
  configured: { brokerUrl: string; chosen: boolean },
  log: Logger,
): boolean {
  if (!sameBroker(kept.brokerUrl, configured.brokerUrl) && configured.chosen) {
    log.info('the kept session belongs to another sign-in service; not using it', {
      kept: kept.brokerUrl,
      configured: configured.brokerUrl,
    });
    return false;
  }
  try {
    checkBrokerUrl(kept.brokerUrl);
  } catch (error) {
    log.warn('the kept session names a sign-in service Hoist no longer trusts; sign in again', {
      error: String(error),
    });
    return false;
  }
  return true;
}

export async function keepSession(secrets: SecretStore, log: Logger, kept: KeptSession): Promise<void> {
  await secrets.set(sessionAccount, JSON.stringify(kept)).catch((error: unknown) => {
    log.warn('keychain write failed; the session lasts until Hoist quits', { error: String(error) });
  });
}

export async function forgetKeptSession(secrets: SecretStore, log: Logger): Promise<void> {
  await secrets
    .delete(sessionAccount)
    .catch((error: unknown) => log.warn('keychain delete failed', { error: String(error) }));
}
