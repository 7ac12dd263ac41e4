// Launches Debian's Chromium for Playwright (never a downloaded browser). The flags keep it quiet on
// a machine with no outside network: no background fetches, no component updates, no QUIC.
// `trustCaFile` gives this browser, and only it, a certificate store that trusts one more CA, as a
// company's managed computer would: an NSS database in a private HOME, made with certutil
// (libnss3-tools). Certificate checks stay on; nothing is ignored.
import { chromium, type Browser } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const chromiumPath = process.env.HOIST_CHROMIUM ?? '/usr/bin/chromium';

export async function launchChromium(options: { trustCaFile?: string } = {}): Promise<Browser> {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `No Chromium at ${chromiumPath}: install the Debian package "chromium" (see README) or set HOIST_CHROMIUM.`,
    );
  }
  const home = options.trustCaFile ? homeTrusting(options.trustCaFile) : undefined;
  try {
    const browser = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      ...(home ? { env: { ...process.env, HOME: home } } : {}),
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    if (home) browser.once('disconnected', () => rmSync(home, { recursive: true, force: true }));
    return browser;
  } catch (error) {
    if (home) rmSync(home, { recursive: true, force: true });
    throw error;
  }
}

/** A HOME whose NSS database (where Chromium on Linux reads extra authorities) trusts `caFile`. */
function homeTrusting(caFile: string): string {
  const home = mkdtempSync(path.join(os.tmpdir(), 'hoist-chromium-home-'));
  const db = `sql:${path.join(home, '.pki', 'nssdb')}`;
  mkdirSync(path.join(home, '.pki', 'nssdb'), { recursive: true });
  try {
    execFileSync('certutil', ['-d', db, '-N', '--empty-password'], { stdio: 'pipe' });
    execFileSync('certutil', ['-d', db, '-A', '-t', 'C,,', '-n', 'hoist-test-ca', '-i', caFile], { stdio: 'pipe' });
  } catch (error) {
    rmSync(home, { recursive: true, force: true });
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new Error(
      missing
        ? 'certutil is missing: install the Debian package "libnss3-tools" (see README) to give Chromium a CA'
        : `certutil could not add ${caFile}: ${String((error as { stderr?: unknown }).stderr ?? error)}`,
      { cause: error },
    );
  }
  return home;
}
