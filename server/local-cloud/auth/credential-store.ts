// The credential store: long-lived admin and developer key pairs (generated once per data folder) and the
// temporary credentials issued to identities. Kept in one JSON file written atomically, so credentials stay
// valid across a restart of the local cloud. Volumes are tiny (one entry per GetCredentialsForIdentity), so a
// JSON file is simpler than SQLite; expired entries are pruned on every write.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomicSync } from '../storage/atomic.js';
import type { CredentialStore, IssuedCredentials, Principal, StoredCredentials } from './types.js';

interface StoredRecord {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: string; // ISO
  principal: Principal;
}

interface FileShape {
  admin: StoredRecord;
  developer: StoredRecord;
  temporary: StoredRecord[];
}

/** Keep expired temporary credentials this long, so requests with them get ExpiredToken, not InvalidAccessKeyId. */
const EXPIRED_RETENTION_MS = 24 * 3600 * 1000;
const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export interface FileCredentialStore extends CredentialStore {
  readonly admin: { accessKeyId: string; secretAccessKey: string };
  readonly developer: { accessKeyId: string; secretAccessKey: string };
}

export function openCredentialStore(dataDir: string, now: () => Date = () => new Date()): FileCredentialStore {
  const path = join(dataDir, 'credentials.json');
  const data = load(path);
  const byKey = new Map<string, StoredRecord>();
  for (const record of [data.admin, data.developer, ...data.temporary]) byKey.set(record.accessKeyId, record);

  const save = (): void => {
    const cutoff = now().getTime() - EXPIRED_RETENTION_MS;
    data.temporary = data.temporary.filter((r) => !r.expiration || Date.parse(r.expiration) > cutoff);
    for (const [key, record] of byKey) {
      if (record.expiration && Date.parse(record.expiration) <= cutoff) byKey.delete(key);
    }
    writeFileAtomicSync(path, JSON.stringify(data));
  };
  if (!existsSync(path)) save();

  return {
    admin: { accessKeyId: data.admin.accessKeyId, secretAccessKey: data.admin.secretAccessKey },
    developer: { accessKeyId: data.developer.accessKeyId, secretAccessKey: data.developer.secretAccessKey },
    issueTemporary(identityId: string, lifetimeSeconds: number): IssuedCredentials {
      const expiration = new Date(now().getTime() + lifetimeSeconds * 1000);
      const record: StoredRecord = {
        accessKeyId: accessKeyId('ASIA'),
        secretAccessKey: secret(),
        sessionToken: randomBytes(96).toString('base64'),
        expiration: expiration.toISOString(),
        principal: { kind: 'identity', identityId },
      };
      data.temporary.push(record);
      byKey.set(record.accessKeyId, record);
      save();
      return {
        accessKeyId: record.accessKeyId,
        secretAccessKey: record.secretAccessKey,
        sessionToken: record.sessionToken ?? '',
        expiration,
      };
    },
    lookup(key: string): StoredCredentials | undefined {
      const record = byKey.get(key);
      if (!record) return undefined;
      return {
        accessKeyId: record.accessKeyId,
        secretAccessKey: record.secretAccessKey,
        principal: record.principal,
        ...(record.sessionToken !== undefined ? { sessionToken: record.sessionToken } : {}),
        ...(record.expiration !== undefined ? { expiration: new Date(record.expiration) } : {}),
      };
    },
  };
}

function load(path: string): FileShape {
  if (existsSync(path)) return JSON.parse(readFileSync(path, 'utf8')) as FileShape;
  return {
    admin: { accessKeyId: accessKeyId('AKIA'), secretAccessKey: secret(), principal: { kind: 'admin' } },
    developer: { accessKeyId: accessKeyId('AKIA'), secretAccessKey: secret(), principal: { kind: 'developer' } },
    temporary: [],
  };
}

/** 20 characters like AWS: a 4-letter type prefix and 16 random base32 characters. */
function accessKeyId(prefix: 'AKIA' | 'ASIA'): string {
  const bytes = randomBytes(16);
  let out = prefix;
  for (const b of bytes) out += KEY_ALPHABET[b % 32];
  return out;
}

function secret(): string {
  return randomBytes(30).toString('base64'); // 40 characters, like AWS secret keys
}
