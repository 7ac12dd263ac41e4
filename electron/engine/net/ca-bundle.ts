// The certificate authorities Hoist trusts: Node's own roots (plus the operating system's store where
// the runtime offers it: tls.getCACertificates in Electron's Node), plus an extra PEM bundle from
// Settings (caFile), HOIST_CA_BUNDLE or AWS_CA_BUNDLE, in that order, as awscli reads AWS_CA_BUNDLE.
// The extra authorities are ADDED to the defaults, never instead of them; there is no way to turn
// verification off.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import tls from 'node:tls';

export class CaBundleError extends Error {
  override name = 'CaBundleError';
}

export interface CaSources {
  env: Readonly<Record<string, string | undefined>>;
  /** The CA file from Settings, if any. */
  settingsFile?: string | null;
}

/** The extra bundle in effect and where it came from, or undefined when only the defaults apply. */
export function extraBundle(sources: CaSources): { file: string; source: string } | undefined {
  if (sources.settingsFile) return { file: sources.settingsFile, source: 'the CA file in Settings' };
  for (const name of ['HOIST_CA_BUNDLE', 'AWS_CA_BUNDLE']) {
    const file = sources.env[name]?.trim();
    if (file) return { file, source: name };
  }
  return undefined;
}

/** The `ca` option for TLS connections, or undefined when Node's defaults are all there is. */
export async function trustedCas(sources: CaSources): Promise<string[] | undefined> {
  const extra = extraBundle(sources);
  const system = systemCas();
  if (!extra && system.length === 0) return undefined;
  const added = extra ? await readBundle(extra.file, extra.source) : [];
  return [...defaultCas(sources.env), ...system, ...added];
}

type CaReader = { getCACertificates?: (type: 'default' | 'system') => string[] };

function defaultCas(env: CaSources['env']): string[] {
  const reader = tls as unknown as CaReader;
  // 'default' already holds NODE_EXTRA_CA_CERTS; rootCertificates does not.
  if (reader.getCACertificates) return reader.getCACertificates('default');
  const extraFile = env.NODE_EXTRA_CA_CERTS;
  return extraFile ? [...tls.rootCertificates, ...pemBlocks(readFileSyncQuiet(extraFile))] : [...tls.rootCertificates];
}

function systemCas(): string[] {
  const reader = tls as unknown as CaReader;
  try {
    return reader.getCACertificates?.('system') ?? [];
  } catch {
    return [];
  }
}

/** Bundles already checked, by file: every TLS pool reads the same one, parsed again only once it changes. */
const checkedBundles = new Map<string, { stamp: string; blocks: string[] }>();

async function readBundle(file: string, source: string): Promise<string[]> {
  let text: string;
  let stamp: string;
  try {
    const info = await stat(file);
    stamp = `${info.dev}:${info.ino}:${info.size}:${info.mtimeMs}:${info.ctimeMs}`;
    const checked = checkedBundles.get(file);
    if (checked?.stamp === stamp) return checked.blocks;
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new CaBundleError(
      `${source} names ${file}, which cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}).`,
    );
  }
  const blocks = pemBlocks(text);
  if (blocks.length === 0)
    throw new CaBundleError(`${source} names ${file}, which holds no PEM certificate (-----BEGIN CERTIFICATE-----).`);
  for (const block of blocks) {
    try {
      new X509Certificate(block);
    } catch {
      throw new CaBundleError(`${source} names ${file}, which holds a certificate that cannot be read.`);
    }
  }
  checkedBundles.set(file, { stamp, blocks });
  return blocks;
}

function pemBlocks(text: string): string[] {
  return text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

function readFileSyncQuiet(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
