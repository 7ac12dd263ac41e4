// `hoist doctor [--json]`: the set-up check, one line per check with ok / problem and what to do
// (docs/ARCHITECTURE.md, When something goes wrong: the set-up check). When a Hoist runs on the data folder, it is asked over its
// control socket (it knows the keychain it opened, the storage it uploads to, the proxy it uses);
// otherwise the checks run here, reading only: the state database is opened read-only, nobody signs in,
// nothing is written. Exits 0 when no check found a problem, 1 otherwise.
import type { DiagnosticCheck, Settings } from '../../common/contract.js';
import { openSecretStore } from '../../engine/auth/secret-store.js';
import { anyProblem, runDiagnostics, s3ForClock } from '../../engine/diagnostics/index.js';
import { PROXY_PASSWORD_ACCOUNT } from '../../engine/index.js';
import { createNetwork } from '../../engine/net/index.js';
import { defaultSettings, openSettings } from '../../engine/state/settings.js';
import { resolveBroker } from '../../host/broker-choice.js';
import { connectControlSocket } from '../../rpc/socket/client.js';
import { resolveDataDir, type GlobalOptions } from '../context.js';
import { printable } from '../format.js';

/** A running Hoist that takes longer than this to answer is checked from here instead. */
const RUNNING_ANSWER_MS = 20_000;
/** The keychain account of the kept session (electron/engine/auth/session.ts): only its broker is read. */
const SESSION_ACCOUNT = 'session';

export async function doctorCommand(options: { json?: boolean }, global: GlobalOptions): Promise<number> {
  const dataDir = resolveDataDir(global);
  const running = await askRunning(dataDir);
  const checks = running ?? (await checkHere(dataDir, global));
  if (options.json) {
    process.stdout.write(`${JSON.stringify(checks, null, 2)}\n`);
    return anyProblem(checks) ? 1 : 0;
  }
  process.stdout.write(
    running
      ? `Checked by the Hoist running on ${printable(dataDir)}:\n`
      : `No Hoist is running on ${printable(dataDir)}: checked from here, changing nothing.\n`,
  );
  const width = Math.max(...checks.map((c) => c.name.length));
  for (const c of checks) {
    process.stdout.write(`${label(c.status)}  ${c.name.padEnd(width)}  ${printable(c.detail)}\n`);
    if (c.fix && c.status !== 'ok') process.stdout.write(`${''.padEnd(9 + width + 2)}fix: ${printable(c.fix)}\n`);
  }
  const problems = checks.filter((c) => c.status === 'problem').length;
  const warnings = checks.filter((c) => c.status === 'warning').length;
  process.stdout.write(
    problems > 0
      ? `${problems} problem${problems === 1 ? '' : 's'} found: Hoist cannot work properly until ${problems === 1 ? 'it is' : 'they are'} fixed.\n`
      : warnings > 0
        ? `No problem; ${warnings} warning${warnings === 1 ? '' : 's'}.\n`
        : 'Everything is in order.\n',
  );
  return problems > 0 ? 1 : 0;
}

function label(status: DiagnosticCheck['status']): string {
  return { ok: 'ok', warning: 'warning', problem: 'PROBLEM', skipped: 'skipped' }[status].padEnd(7);
}

/** The running instance's own check, or undefined when none answers (not running, or stuck). */
async function askRunning(dataDir: string): Promise<DiagnosticCheck[] | undefined> {
  let client;
  try {
    client = await connectControlSocket(dataDir);
  } catch {
    return undefined;
  }
  let timer: NodeJS.Timeout | undefined;
  try {
    const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), RUNNING_ANSWER_MS)));
    const answer = await Promise.race([client.call('diagnostics.check', {}), late]);
    return answer?.checks;
  } catch {
    return undefined; // an older Hoist without the command, or it went away: check from here
  } finally {
    clearTimeout(timer);
    client.close();
  }
}

async function checkHere(dataDir: string, global: GlobalOptions): Promise<DiagnosticCheck[]> {
  const secrets = await openSecretStore();
  let brokerUrl: string | undefined;
  let region: string | undefined;
  let brokerProblem: string | undefined;
  try {
    const choice = resolveBroker({ broker: global.broker });
    brokerUrl = choice.brokerUrl ?? (await keptBroker(secrets.store.get.bind(secrets.store)));
    region = choice.deployment?.deployment.region;
  } catch (error) {
    brokerProblem = error instanceof Error ? error.message : String(error);
  }
  let settings: Settings = defaultSettings;
  try {
    settings = openSettings(dataDir).get();
  } catch {
    // An unreadable data folder is its own line; the network line uses the defaults.
  }
  const network = createNetwork({
    settings: () => settings,
    proxyPassword: async () =>
      settings.proxyUrl
        ? ((await secrets.store.get(PROXY_PASSWORD_ACCOUNT).catch(() => null)) ?? undefined)
        : undefined,
  });
  const checks = await runDiagnostics({
    dataDir,
    secrets,
    brokerUrl,
    s3: s3ForClock({
      region,
      brokerUrl,
      unknownBecause: brokerUrl
        ? `No Hoist is running on ${dataDir}, and the storage of a sign-in service on this computer is known only while signed in: start Hoist (or \`hoist sync\`) and check again.`
        : 'The built-in local cloud runs on this computer, on its clock.',
    }),
    fetch: network.fetch,
    settings: { proxyUrl: settings.proxyUrl, caFile: settings.caFile },
    env: process.env,
  });
  network.reset();
  if (!brokerProblem) return checks;
  return checks.map((c) =>
    c.id === 'broker'
      ? {
          ...c,
          status: 'problem',
          detail: brokerProblem,
          fix: 'Correct the sign-in service (--broker, or the deployment file named).',
        }
      : c,
  );
}

/** The sign-in service of the session kept in the keychain, if any (nothing else of it is read). */
async function keptBroker(get: (account: string) => Promise<string | null>): Promise<string | undefined> {
  try {
    const raw = await get(SESSION_ACCOUNT);
    const url = raw ? (JSON.parse(raw) as { brokerUrl?: unknown }).brokerUrl : undefined;
    return typeof url === 'string' ? url : undefined;
  } catch {
    return undefined;
  }
}
