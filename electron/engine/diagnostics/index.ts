// electron/engine/diagnostics: when something goes wrong. The set-up check behind `hoist doctor` and the
// window's Help → Check setup (docs/ARCHITECTURE.md, When something goes wrong: the set-up check), and the plain words failed
// transfers and actions are reported in (plain-words.ts). Reads only: it never signs in, writes or uploads.
// Depends on the engine's auth, net and state modules and Node; never on a host.
import type Database from 'better-sqlite3';
import type { DiagnosticCheck } from '../../common/contract.js';
import type { SecretStore } from '../auth/secret-store.js';
import type { Fetch } from '../net/http-fetch.js';
import { isLoopbackUrl } from '../net/trust.js';
import { checkDataFolder, checkKeychain, checkNetwork, checkStateDb, checkWatcher } from './local-checks.js';
import { checkBroker, checkClock } from './remote-checks.js';

export interface DiagnosticsInput {
  dataDir: string;
  secrets: { store: SecretStore; notice?: string };
  /** The session comes from HOIST_USERNAME / HOIST_PASSWORD for this run (memory by choice). */
  secretsFromEnv?: boolean;
  /** The sign-in service; undefined: the built-in local cloud, started with Hoist. */
  brokerUrl: string | undefined;
  /** Where to ask S3 the time, or why that cannot be known now. */
  s3: { endpoint: URL } | { unknown: string };
  /** Connections through the configured proxy and certificate authorities. */
  fetch: Fetch;
  settings: { proxyUrl: string | null; caFile: string | null };
  env: Readonly<Record<string, string | undefined>>;
  systemProxy?: (url: string) => Promise<string>;
  /** Loopback targets go direct whatever the proxy (the built-in local cloud runs in the same process). */
  directToLoopback?: boolean;
  /** The running engine's state database connection; without it the file is opened read-only. */
  stateDb?: Database.Database;
}

const NAMES: Record<DiagnosticCheck['id'], string> = {
  keychain: 'Keychain',
  broker: 'Sign-in service',
  clock: 'Clock',
  'state-db': 'State database',
  'data-folder': 'Data folder',
  watcher: 'Folder watcher',
  network: 'Proxy and certificates',
};

/** Every check, in a fixed order; the network ones run side by side. */
export async function runDiagnostics(input: DiagnosticsInput): Promise<DiagnosticCheck[]> {
  const broker = input.brokerUrl
    ? checkBroker(input.brokerUrl, input.fetch)
    : Promise.resolve({ status: 'ok' as const, detail: 'the built-in local cloud: it runs inside Hoist' });
  const clock =
    'endpoint' in input.s3
      ? checkClock(input.s3.endpoint, input.fetch)
      : Promise.resolve({ status: 'skipped' as const, detail: input.s3.unknown });
  const targets = [
    ...(input.brokerUrl ? [new URL(input.brokerUrl)] : []),
    ...('endpoint' in input.s3 ? [input.s3.endpoint] : []),
  ];
  const lines = {
    keychain: await checkKeychain(input.secrets, input.secretsFromEnv ?? false),
    broker: await broker,
    clock: await clock,
    'state-db': checkStateDb(input.dataDir, input.stateDb),
    'data-folder': checkDataFolder(input.dataDir),
    watcher: await checkWatcher(input.env),
    network: await checkNetwork({
      env: input.env,
      proxyUrl: input.settings.proxyUrl,
      caFile: input.settings.caFile,
      ...(input.systemProxy ? { systemProxy: input.systemProxy } : {}),
      ...(input.directToLoopback ? { directToLoopback: true } : {}),
      targets,
    }),
  };
  return (Object.keys(NAMES) as Array<DiagnosticCheck['id']>).map((id) => ({ id, name: NAMES[id], ...lines[id] }));
}

/**
 * Where S3 is, for the clock check: the identity's endpoint when signed in; else AWS's own for a pinned
 * region or a sign-in service off this computer (the trust rules send uploads to AWS then); else unknown.
 */
export function s3ForClock(options: {
  identity?: { region: string; endpoints?: { s3: string } } | undefined;
  region?: string | undefined;
  brokerUrl: string | undefined;
  unknownBecause: string;
}): DiagnosticsInput['s3'] {
  if (options.identity)
    return {
      endpoint: new URL(options.identity.endpoints?.s3 ?? `https://s3.${options.identity.region}.amazonaws.com`),
    };
  if (options.region) return { endpoint: new URL(`https://s3.${options.region}.amazonaws.com`) };
  if (options.brokerUrl && !isLoopbackUrl(new URL(options.brokerUrl)))
    return { endpoint: new URL('https://s3.amazonaws.com') };
  return { unknown: options.unknownBecause };
}

/** True when a check found something Hoist cannot work right with (`hoist doctor` exits 1). */
export function anyProblem(checks: DiagnosticCheck[]): boolean {
  return checks.some((c) => c.status === 'problem');
}
