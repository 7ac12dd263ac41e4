// The diagnostics zip (yazl): the log files as they are on disk (each line passed through the logger's
// redaction once more, in case an older Hoist wrote it), plus the JSON reports of report.ts and a short
// README. Written whole (a temp file, then rename) into `<data folder>/diagnostics/`, mode 0600; only the
// newest few are kept there (docs/ARCHITECTURE.md, Logs and diagnostics).
import { createWriteStream, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import yazl from 'yazl';
import { diagnosticsZipName } from '../../common/contract.js';
import { logFilesIn } from '../platform/log-file.js';
import { redact } from '../platform/log.js';

const KEEP_ZIPS = 3;

export function diagnosticsDirOf(dataDir: string): string {
  return path.join(dataDir, 'diagnostics');
}

const readme = `Hoist diagnostics

logs/           the app's recent log files, newest first (hoist.log, hoist.log.1, ...)
versions.json   Hoist, Node, Electron and the operating system; which connection variables are set
settings.json   the settings, without passwords and without user names in addresses
status.json     the session's state, transfer counts and the number of watched folders

Nothing secret is in here: no password, token, key or credential.
`;

export interface DiagnosticsZip {
  name: string;
  path: string;
  bytes: number;
}

export async function writeDiagnosticsZip(input: {
  dataDir: string;
  logsDir: string;
  reports: Record<string, unknown>;
  now?: Date;
}): Promise<DiagnosticsZip> {
  const now = input.now ?? new Date();
  const dir = diagnosticsDirOf(input.dataDir);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const name = `hoist-diagnostics-${now.toISOString().replace(/[:.]/g, '-')}.zip`;
  const file = path.join(dir, name);
  const mtime = now;
  const zip = new yazl.ZipFile();
  zip.addBuffer(Buffer.from(readme), 'README.txt', { mtime, mode: 0o644 });
  for (const [entry, report] of Object.entries(input.reports))
    zip.addBuffer(Buffer.from(`${JSON.stringify(redact(report), null, 2)}\n`), entry, { mtime, mode: 0o644 });
  for (const log of logFilesIn(input.logsDir)) {
    // Read whole (a few MiB at most): the file keeps growing while the zip is written.
    const lines = readFileSync(log, 'utf8').split('\n');
    const clean = lines.map((line) => redact(line) as string).join('\n');
    zip.addBuffer(Buffer.from(clean), `logs/${path.basename(log)}`, { mtime, mode: 0o644 });
  }
  zip.end();
  const temp = `${file}.${process.pid}.tmp`;
  try {
    await pipeline(zip.outputStream, createWriteStream(temp, { mode: 0o600 }));
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
  pruneOld(dir, name);
  return { name, path: file, bytes: statSync(file).size };
}

/** The newest KEEP_ZIPS stay: each has been handed on (saved, downloaded, copied) right after it was made. */
function pruneOld(dir: string, keepName: string): void {
  const zips = readdirSync(dir)
    .filter((n) => diagnosticsZipName.test(n) && n !== keepName)
    .sort()
    .reverse();
  for (const old of zips.slice(KEEP_ZIPS - 1)) rmSync(path.join(dir, old), { force: true });
}

/** The path of a zip this engine wrote, from its name alone; undefined for any other name (never a path). */
export function diagnosticsZipPath(dataDir: string, name: string): string | undefined {
  return diagnosticsZipName.test(name) ? path.join(diagnosticsDirOf(dataDir), name) : undefined;
}
