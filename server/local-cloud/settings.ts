// Cloud-wide settings generated once per data folder (account id, identity pool id, developer provider
// name) and persisted, so a restart keeps the identities and tokens issued before it valid.
import { randomInt, randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomicSync } from './storage/atomic.js';

export interface PersistedSettings {
  accountId: string;
  identityPoolId: string;
  developerProviderName: string;
}

export function loadOrCreateSettings(
  dataDir: string,
  region: string,
  overrides: Partial<PersistedSettings>,
): PersistedSettings {
  const path = join(dataDir, 'settings.json');
  const stored: Partial<PersistedSettings> = existsSync(path)
    ? (JSON.parse(readFileSync(path, 'utf8')) as PersistedSettings)
    : {};
  const settings: PersistedSettings = {
    accountId:
      overrides.accountId ??
      stored.accountId ??
      String(randomInt(100_000, 999_999)) + String(randomInt(100_000, 999_999)),
    identityPoolId: overrides.identityPoolId ?? stored.identityPoolId ?? `${region}:${randomUUID()}`,
    developerProviderName: overrides.developerProviderName ?? stored.developerProviderName ?? 'login.hoist.local',
  };
  if (JSON.stringify(settings) !== JSON.stringify(stored)) writeFileAtomicSync(path, JSON.stringify(settings, null, 2));
  return settings;
}

/** The role policy with `${bucket}` filled in (it is a template parameter, not an IAM policy variable). */
export function instantiateRolePolicy(policy: unknown, bucket: string): unknown {
  return JSON.parse(JSON.stringify(policy).replaceAll('${bucket}', bucket));
}
