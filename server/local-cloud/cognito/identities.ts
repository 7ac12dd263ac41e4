// Developer user id → identity id, stable across restarts: the same user always gets the same
// `<region>:<uuid>`, as Cognito does. Kept as one small JSON file written atomically.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { writeFileAtomicSync } from '../storage/atomic.js';

interface IdentityFile {
  /** `<provider>\n<userId>` → identity id */
  logins: Record<string, string>;
}

export class IdentityRegistry {
  private readonly path: string;
  private readonly logins: Map<string, string>;
  private readonly identities: Set<string>;

  constructor(
    dir: string,
    private readonly region: string,
  ) {
    this.path = join(dir, 'identities.json');
    const stored = existsSync(this.path)
      ? (JSON.parse(readFileSync(this.path, 'utf8')) as IdentityFile)
      : { logins: {} };
    this.logins = new Map(Object.entries(stored.logins));
    this.identities = new Set(this.logins.values());
  }

  /** The identity linked to this developer login, linked on first use to `linkTo` or to a new identity. */
  identityFor(provider: string, userId: string, linkTo?: string): string {
    const key = `${provider}\n${userId}`;
    const existing = this.logins.get(key);
    if (existing) return existing;
    const identityId = linkTo ?? `${this.region}:${randomUUID()}`;
    this.logins.set(key, identityId);
    this.identities.add(identityId);
    // Persist before answering: an identity handed out must survive a crash.
    writeFileAtomicSync(
      this.path,
      JSON.stringify({ logins: Object.fromEntries(this.logins) } satisfies IdentityFile, null, 1),
    );
    return identityId;
  }

  /** The identity already linked to this login, if any. */
  lookup(provider: string, userId: string): string | undefined {
    return this.logins.get(`${provider}\n${userId}`);
  }

  exists(identityId: string): boolean {
    return this.identities.has(identityId);
  }
}
