// What a diagnostics zip says besides the logs: versions, settings and counts, as JSON documents. Pure
// functions of what the engine holds, and never a secret: setting fields that look secret are left out,
// every URL loses its user name and password, the environment is named, not copied (docs/ARCHITECTURE.md,
// Logs and diagnostics).
import os from 'node:os';
import type { Folder, Session, Settings, Totals } from '../../common/contract.js';

/** Setting names never copied, whatever the schema grows (the same rule as `hoist config`'s). */
const secretLooking = /password|secret|token|credential|key/i;

/** Variables that change how Hoist connects: said to be set or not, never their values (a proxy URL may hold a password). */
const relevantEnvironment = [
  'HTTPS_PROXY',
  'https_proxy',
  'HTTP_PROXY',
  'http_proxy',
  'NO_PROXY',
  'no_proxy',
  'HOIST_CA_BUNDLE',
  'AWS_CA_BUNDLE',
  'HOIST_BROKER_URL',
  'HOIST_DATA_DIR',
  'HOIST_DEPLOYMENT_FILE',
  'HOIST_WATCHER',
];

/** `http://name:pw@host:3128/` → `http://host:3128/`; text that is not a URL with user info is returned as it is. */
export function withoutUserinfo(text: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\/[^/]*@/i.test(text)) return text;
  try {
    const url = new URL(text);
    url.username = '';
    url.password = '';
    return url.toString();
  } catch {
    return '[an address that could not be read]';
  }
}

export function versionsReport(appVersion: string, env: NodeJS.ProcessEnv = process.env): Record<string, unknown> {
  return {
    hoist: appVersion,
    node: process.versions.node,
    ...(process.versions.electron ? { electron: process.versions.electron } : {}),
    os: { platform: process.platform, type: os.type(), release: os.release(), arch: process.arch },
    environment: Object.fromEntries(relevantEnvironment.filter((name) => env[name]).map((name) => [name, 'set'])),
  };
}

export function settingsReport(settings: Settings): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(settings)) {
    if (secretLooking.test(field)) continue;
    out[field] = typeof value === 'string' ? withoutUserinfo(value) : value;
  }
  return out;
}

export function statusReport(input: {
  session: Session;
  totals: Totals;
  folders: Folder[];
  pinned: boolean;
  createdAt: Date;
}): Record<string, unknown> {
  const { session, totals, folders } = input;
  const folderStates: Record<string, number> = {};
  for (const folder of folders) folderStates[folder.state] = (folderStates[folder.state] ?? 0) + 1;
  return {
    createdAt: input.createdAt.toISOString(),
    session: {
      state: session.state,
      localMode: session.localMode,
      keychain: session.keychain,
      brokerUrl: withoutUserinfo(session.brokerUrl),
      pinnedByDeploymentFile: input.pinned,
      ...(session.notice ? { notice: session.notice } : {}),
    },
    transfers: {
      active: totals.active,
      queued: totals.queued,
      failed: totals.failed,
      done: totals.done,
      all: totals.all,
      pausedAll: totals.pausedAll,
      ...(totals.diskFull ? { diskFull: totals.diskFull } : {}),
    },
    folders: { count: folders.length, states: folderStates },
  };
}
