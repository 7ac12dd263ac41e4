// Where the long-lived session lives: the OS keychain (keytar → Keychain, Credential Manager,
// Secret Service), never a plain file. Without a keychain the session lives in memory for this run
// only, and the caller is told why.

export interface SecretStore {
  readonly kind: 'os' | 'memory';
  get(account: string): Promise<string | null>;
  set(account: string, secret: string): Promise<void>;
  delete(account: string): Promise<void>;
}

export const keychainService = 'Hoist';

export class MemorySecretStore implements SecretStore {
  readonly kind = 'memory';
  readonly #secrets = new Map<string, string>();
  async get(account: string): Promise<string | null> {
    return this.#secrets.get(account) ?? null;
  }
  async set(account: string, secret: string): Promise<void> {
    this.#secrets.set(account, secret);
  }
  async delete(account: string): Promise<void> {
    this.#secrets.delete(account);
  }
}

interface Keytar {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

export class KeytarSecretStore implements SecretStore {
  readonly kind = 'os';
  constructor(
    private readonly keytar: Keytar,
    private readonly service: string,
  ) {}
  get(account: string): Promise<string | null> {
    return this.keytar.getPassword(this.service, account);
  }
  set(account: string, secret: string): Promise<void> {
    return this.keytar.setPassword(this.service, account, secret);
  }
  async delete(account: string): Promise<void> {
    await this.keytar.deletePassword(this.service, account);
  }
}

export interface OpenedSecretStore {
  store: SecretStore;
  /** Why the OS keychain is not used, in words for the user; absent when it is. */
  notice?: string;
}

/**
 * Opens the OS keychain, probing it once so a missing Secret Service is found now rather than at
 * the first sign-in. keytar is loaded lazily: a build without it must still start.
 */
export async function openSecretStore(service = keychainService): Promise<OpenedSecretStore> {
  let keytar: Keytar;
  try {
    const loaded = (await import('keytar')) as unknown as { default?: Keytar } & Keytar;
    keytar = loaded.default ?? loaded;
  } catch (error) {
    return {
      store: new MemorySecretStore(),
      notice: memoryNotice(`the keychain module could not be loaded (${firstLine(error)})`),
    };
  }
  try {
    await keytar.getPassword(service, '__probe__');
  } catch (error) {
    return {
      store: new MemorySecretStore(),
      notice: memoryNotice(`no keychain service is available (${firstLine(error)})`),
    };
  }
  return { store: new KeytarSecretStore(keytar, service) };
}

function memoryNotice(reason: string): string {
  return `Your sign-in is kept in memory only, because ${reason}. You will need to sign in again next time Hoist starts.`;
}

function firstLine(error: unknown): string {
  return String(error instanceof Error ? error.message : error)
    .split('\n')[0]!
    .slice(0, 200);
}
