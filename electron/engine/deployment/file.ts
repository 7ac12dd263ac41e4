// The deployment file: the configuration a company pins for its staff (docs/ARCHITECTURE.md,
// Contracts: deployment file). It names the one sign-in service, the AWS region, identity pool and
// bucket that service must answer with, the sign-in methods offered and limits on settings. Read once
// at start; a file that is present but wrong stops Hoist with what is wrong in it, and never lets it
// run unpinned.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { checkBrokerUrl, UntrustedBrokerError } from '../net/trust.js';

export const signInMethods = ['oidc', 'password'] as const;

const Limits = z
  .object({
    maxBandwidthBytesPerSecond: z
      .number('must be a number of bytes per second')
      .int('must be a whole number of bytes per second')
      .min(1024, 'must be at least 1024 bytes per second')
      .optional(),
    watchedFoldersInsideHome: z.boolean('must be true or false').optional(),
  })
  .strict();

const exampleUpdateUrl = '"https://updates.acme.example/hoist/"';

/** The company's update feed (electron-builder's generic provider): https only, no credentials in it. */
const UpdateUrl = z.string('must be the update feed address, as a string').superRefine((value, ctx) => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    ctx.addIssue({ code: 'custom', message: `must be an https:// address such as ${exampleUpdateUrl}` });
    return;
  }
  if (url.protocol !== 'https:')
    ctx.addIssue({
      code: 'custom',
      message: `must be an https:// address (updates are downloaded over HTTPS only), such as ${exampleUpdateUrl}`,
    });
  else if (url.username || url.password)
    ctx.addIssue({ code: 'custom', message: 'must not carry a user name or password (anyone can read this file)' });
});

const Deployment = z
  .object({
    brokerUrl: z.string('must be the sign-in service URL, as a string').superRefine((value, ctx) => {
      try {
        checkBrokerUrl(value);
      } catch (error) {
        ctx.addIssue({
          code: 'custom',
          message: error instanceof UntrustedBrokerError ? error.message : String(error),
        });
      }
    }),
    region: z
      .string('must be an AWS region such as "eu-west-1"')
      .regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'must be an AWS region such as "eu-west-1"'),
    identityPoolId: z
      .string('must be an identity pool id such as "eu-west-1:0000…"')
      .regex(
        /^[a-z]{2}(-[a-z]+)+-\d+:[0-9a-f-]+$/,
        'must be an identity pool id such as "eu-west-1:01234567-89ab-cdef-0123-456789abcdef"',
      ),
    bucket: z
      .string('must be the bucket name')
      .regex(
        /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
        'must be an S3 bucket name (3 to 63 lower-case letters, digits, dots and hyphens)',
      ),
    signIn: z
      .array(z.enum(signInMethods, 'must be "oidc" or "password"'), 'must be a list such as ["oidc"]')
      .min(1, 'must offer at least one sign-in method')
      .optional(),
    limits: Limits.optional(),
    name: z
      .string('must be a string')
      .trim()
      .min(1, 'must not be empty')
      .max(100, 'must be at most 100 characters')
      .optional(),
    /** Where the desktop app looks for updates; without it, the build's own feed if any, else none. */
    updateUrl: UpdateUrl.optional(),
  })
  .strict();

export type Deployment = z.infer<typeof Deployment>;
export type DeploymentLimits = NonNullable<Deployment['limits']>;

/** The deployment file exists but cannot be used; its message says where and what. */
export class DeploymentFileError extends Error {
  override readonly name = 'DeploymentFileError';
  readonly code = 'deployment_file';
}

/** A deployment file and where it was read from. */
export interface LoadedDeployment {
  file: string;
  deployment: Deployment;
}

/** Where IT places the file on each system. */
export function systemDeploymentFile(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
): string {
  if (platform === 'win32') return path.win32.join(env.ProgramData ?? 'C:\\ProgramData', 'Hoist', 'deployment.json');
  if (platform === 'darwin') return '/Library/Application Support/Hoist/deployment.json';
  return '/etc/hoist/deployment.json';
}

export interface FindOptions {
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  /** A file baked into the installer next to the app's resources (lowest priority). */
  bundledFile?: string;
}

/**
 * The deployment in force, or undefined when there is none. HOIST_DEPLOYMENT_FILE wins (it must
 * exist), then the system path (so IT can override what a build carries), then the bundled file.
 */
export function loadDeployment(options: FindOptions = {}): LoadedDeployment | undefined {
  const env = options.env ?? process.env;
  const explicit = env.HOIST_DEPLOYMENT_FILE;
  if (explicit !== undefined) {
    if (explicit === '')
      throw new DeploymentFileError(
        'HOIST_DEPLOYMENT_FILE is set but empty: set it to the deployment file, or unset it.',
      );
    return { file: explicit, deployment: readDeployment(explicit, { mustExist: true })! };
  }
  for (const file of [systemDeploymentFile(options.platform, env), options.bundledFile]) {
    if (!file) continue;
    const deployment = readDeployment(file, { mustExist: false });
    if (deployment) return { file, deployment };
  }
  return undefined;
}

/** Reads and checks one file; undefined only when it is absent and may be. */
export function readDeployment(file: string, { mustExist }: { mustExist: boolean }): Deployment | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !mustExist) return undefined;
    const why =
      code === 'ENOENT'
        ? 'it does not exist'
        : code === 'EISDIR'
          ? 'it is a folder'
          : code === 'EACCES' || code === 'EPERM'
            ? 'it cannot be read (permission denied)'
            : `it cannot be read (${code ?? String(error)})`;
    throw new DeploymentFileError(
      `The deployment file ${file} cannot be used: ${why}. Hoist does not start without it; ask your IT department.`,
    );
  }
  return parseDeployment(text, file);
}

/** Checks a deployment file's text; every problem is named by field. */
export function parseDeployment(text: string, file: string): Deployment {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new DeploymentFileError(
      `The deployment file ${file} is not valid JSON (${error instanceof Error ? error.message : String(error)}).`,
    );
  }
  const parsed = Deployment.safeParse(json);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `- ${describeIssue(issue, json)}`);
  throw new DeploymentFileError(`The deployment file ${file} is not valid:\n${problems.join('\n')}`);
}

const knownKeys: Record<string, readonly string[]> = {
  '': Object.keys(Deployment.shape),
  limits: Object.keys(Limits.shape),
};

function describeIssue(issue: z.core.$ZodIssue, json: unknown): string {
  const where = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    const known = knownKeys[where] ?? [];
    return issue.keys
      .map((key) => {
        const field = where ? `${where}.${key}` : key;
        const near = known.find(
          (k) =>
            k.toLowerCase() === key.toLowerCase() ||
            k.toLowerCase().replace(/[^a-z]/g, '') === key.toLowerCase().replace(/[^a-z]/g, ''),
        );
        return `${field}: unknown setting${near ? ` (did you mean "${where ? `${where}.` : ''}${near}"?)` : ''}; allowed: ${known.join(', ')}`;
      })
      .join('\n- ');
  }
  if (issue.code === 'invalid_type' && valueAt(json, issue.path) === undefined)
    return `${where || 'the file'}: is missing`;
  if (issue.path.length === 0)
    return `the file: must be a JSON object with brokerUrl, region, identityPoolId and bucket`;
  return `${where}: ${issue.message}`;
}

function valueAt(json: unknown, at: readonly PropertyKey[]): unknown {
  let value = json;
  for (const key of at) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}
