// The set-up checks that look only at this computer: the keychain, the state database, the data folder,
// the watcher backend, and which proxy and certificate authorities connections use. Each returns one line
// (docs/ARCHITECTURE.md, When something goes wrong: the set-up check); none changes anything.
import Database from 'better-sqlite3';
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { DiagnosticCheck } from '../../common/contract.js';
import type { SecretStore } from '../auth/secret-store.js';
import { extraBundle, trustedCas } from '../net/ca-bundle.js';
import { proxyFor } from '../net/proxy.js';
import { isLoopbackUrl } from '../net/trust.js';

type Line = Omit<DiagnosticCheck, 'id' | 'name'>;

/** Gives up on a check that does not answer (a keychain prompt nobody sees, a stuck network). */
export function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms / 1000} s`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

function firstLine(error: unknown): string {
  return String(error instanceof Error ? error.message : error)
    .split('\n')[0]!
    .slice(0, 300);
}

export async function checkKeychain(secrets: { store: SecretStore; notice?: string }, fromEnv: boolean): Promise<Line> {
  if (secrets.store.kind === 'memory') {
    if (fromEnv)
      return {
        status: 'ok',
        detail: 'signed in from HOIST_USERNAME and HOIST_PASSWORD for this run; the keychain is not used',
      };
    return {
      status: 'problem',
      detail: secrets.notice ?? 'no keychain is available: your sign-in is kept in memory only',
      fix: keychainFix(),
    };
  }
  try {
    await withTimeout(secrets.store.get('__probe__'), 5_000, 'the keychain');
    return { status: 'ok', detail: `the ${keychainName()} keeps your sign-in` };
  } catch (error) {
    return {
      status: 'problem',
      detail: `the ${keychainName()} cannot be read (${firstLine(error)})`,
      fix: keychainFix(),
    };
  }
}

function keychainName(): string {
  if (process.platform === 'darwin') return 'macOS Keychain';
  if (process.platform === 'win32') return 'Windows Credential Manager';
  return 'Secret Service keyring';
}

function keychainFix(): string {
  if (process.platform === 'linux')
    return 'Install and unlock a Secret Service keyring (GNOME Keyring or KWallet: the packages gnome-keyring and libsecret), and start Hoist from your desktop session; otherwise you sign in again at every start.';
  return 'Unlock your keychain and start Hoist again; otherwise you sign in again at every start.';
}

/** `PRAGMA quick_check` on the state database: the running engine's connection, or the file opened read-only. */
export function checkStateDb(dataDir: string, open?: Database.Database): Line {
  const file = path.join(dataDir, 'state.db');
  const fix = `Quit Hoist and move ${file} aside (for example to state.db.broken); Hoist makes a new one at start and finds your watched folders' files again by scanning, but unfinished drops must be added again.`;
  let db = open;
  try {
    if (!db) {
      if (!existsSync(file)) return { status: 'ok', detail: `${file} does not exist yet: Hoist creates it at start` };
      db = new Database(file, { readonly: true, fileMustExist: true });
    }
    const rows = db.pragma('quick_check') as Array<{ quick_check: string }>;
    const results = rows.map((r) => r.quick_check);
    if (results.length === 1 && results[0] === 'ok')
      return { status: 'ok', detail: `${file} passed SQLite's quick check` };
    return {
      status: 'problem',
      detail: `${file} is damaged: ${results.slice(0, 3).join('; ')}`,
      fix,
    };
  } catch (error) {
    const code = (error as { code?: string }).code;
    const unreadable = code === 'SQLITE_CANTOPEN' || code === 'EACCES' || code === 'SQLITE_READONLY';
    return {
      status: 'problem',
      detail: `${file} cannot be checked (${code ?? firstLine(error)})`,
      fix: unreadable ? `Make ${dataDir} and its files yours and readable (see the data folder line).` : fix,
    };
  } finally {
    if (db && db !== open) db.close();
  }
}

/** The data folder: there (or creatable), a folder, owned by this user, writable, not open to others. */
export function checkDataFolder(dataDir: string): Line {
  const yours = `Make it yours and private: \`chown -R "$USER" ${quote(dataDir)} && chmod 700 ${quote(dataDir)}\` (or choose another folder with --data).`;
  let st;
  try {
    st = statSync(dataDir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { status: 'ok', detail: `${dataDir} does not exist yet: Hoist creates it at start` };
    return { status: 'problem', detail: `${dataDir} cannot be looked at (${code})`, fix: yours };
  }
  if (!st.isDirectory())
    return {
      status: 'problem',
      detail: `${dataDir} is a file, not a folder`,
      fix: 'Move the file away, or choose another folder with --data.',
    };
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid)
    return { status: 'problem', detail: `${dataDir} belongs to another user (uid ${st.uid})`, fix: yours };
  try {
    accessSync(dataDir, constants.R_OK | constants.W_OK | constants.X_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { status: 'problem', detail: `Hoist cannot read and write ${dataDir} (${code})`, fix: yours };
  }
  if (process.platform !== 'win32' && (st.mode & 0o022) !== 0) {
    const mode = (st.mode & 0o777).toString(8).padStart(3, '0');
    return {
      status: 'problem',
      detail: `${dataDir} can be written by other users (mode ${mode}): they could change what Hoist uploads`,
      fix: `Run \`chmod 700 ${quote(dataDir)}\`.`,
    };
  }
  return { status: 'ok', detail: `${dataDir} is yours, writable, and private` };
}

function quote(p: string): string {
  return /^[\w@%+=:,./-]+$/.test(p) ? p : `'${p.replaceAll("'", "'\\''")}'`;
}

/** Which watcher backend folders get: @parcel/watcher when its native module loads, else chokidar. */
export async function checkWatcher(env: Readonly<Record<string, string | undefined>>): Promise<Line> {
  const forced = env.HOIST_WATCHER;
  if (forced === 'chokidar') return { status: 'ok', detail: 'chokidar (chosen with HOIST_WATCHER)' };
  try {
    await import('@parcel/watcher');
    return {
      status: 'ok',
      detail: forced === 'parcel' ? '@parcel/watcher (chosen with HOIST_WATCHER)' : '@parcel/watcher (native)',
    };
  } catch (error) {
    return {
      status: 'warning',
      detail: `chokidar, because @parcel/watcher cannot be loaded here (${firstLine(error)})`,
      fix: 'Watching works, but large folders take much more memory. Reinstall Hoist for this system to get its native watcher.',
    };
  }
}

export interface NetworkFacts {
  env: Readonly<Record<string, string | undefined>>;
  /** The manual proxy in Settings (its password lives in the keychain and is never shown). */
  proxyUrl: string | null;
  caFile: string | null;
  /** The operating system's proxy for a URL (the desktop app), in PAC form. */
  systemProxy?: (url: string) => Promise<string>;
  /** What connections go to: the sign-in service, and S3 when known. */
  targets: URL[];
  /** Loopback targets go direct whatever the proxy (the built-in local cloud). */
  directToLoopback?: boolean;
}

/** The proxy each target goes through and the extra certificate authorities, passwords left out. */
export async function checkNetwork(facts: NetworkFacts): Promise<Line> {
  const parts: string[] = [];
  try {
    const routes = new Map<string, string[]>();
    for (const target of facts.targets) {
      const direct = facts.directToLoopback === true && isLoopbackUrl(target);
      const proxy = direct
        ? undefined
        : await proxyFor(target, {
            env: facts.env,
            manual: async () => facts.proxyUrl ?? undefined,
            ...(facts.systemProxy ? { system: facts.systemProxy } : {}),
          });
      const how = proxy ? `through the proxy ${withoutPassword(proxy)} (${proxySource(facts, target)})` : 'direct';
      routes.set(how, [...(routes.get(how) ?? []), target.host]);
    }
    for (const [how, hosts] of routes) parts.push(`${hosts.join(', ')}: ${how}`);
    if (routes.size === 0) parts.push('no proxy set');
  } catch (error) {
    return {
      status: 'problem',
      detail: firstLine(error),
      fix: 'Correct the proxy address (Settings → Network, or the variable named).',
    };
  }
  const extra = extraBundle({ env: facts.env, settingsFile: facts.caFile });
  if (extra) {
    try {
      const cas = await trustedCas({ env: facts.env, settingsFile: facts.caFile });
      parts.push(
        `extra certificate authorities from ${extra.file} (${extra.source}), ${cas ? 'added to the usual ones' : ''}`.replace(
          /, $/,
          '',
        ),
      );
    } catch (error) {
      return {
        status: 'problem',
        detail: `${parts.join('; ')}; ${firstLine(error)}`,
        fix: `Point ${extra.source} at a readable PEM file holding your company's CA certificate.`,
      };
    }
  } else parts.push('the usual certificate authorities');
  return { status: 'ok', detail: parts.join('; ') };
}

function proxySource(facts: NetworkFacts, target: URL): string {
  if (facts.proxyUrl) return 'Settings';
  const name = target.protocol === 'https:' ? 'HTTPS_PROXY' : 'HTTP_PROXY';
  if (facts.env[name.toLowerCase()]?.trim() || facts.env[name]?.trim()) return name;
  return 'the system settings';
}

function withoutPassword(url: URL): string {
  const shown = new URL(url.toString());
  shown.password = '';
  return shown.toString().replace(/\/$/, '');
}
