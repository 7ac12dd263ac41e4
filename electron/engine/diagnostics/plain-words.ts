// What a failed transfer says, as one table: for each kind of failure, a code for programs and a message
// for people that says what happened and what to do — never a raw code alone (docs/ARCHITECTURE.md,
// When something goes wrong). run-outcome.ts decides what happens to the transfer; this says it.
import type { TransferError } from '../../common/contract.js';
import { ProxyRefusedError, UntrustedCertificateError } from '../net/errors.js';
import { CREDENTIAL_CODES, NETWORK_CODES } from '../transfers/retry.js';
import { clockOffsetWords, SET_THE_CLOCK } from './clock-offset.js';

/** What the table looks at: the error as thrown, and which file was going where. */
export interface Failure {
  error: unknown;
  sourcePath: string;
  destination: string;
  /** How the retry logic classified it (retry.ts). */
  kind: string;
}

interface ErrorLike {
  name?: string;
  code?: string;
  Code?: string;
  message?: string;
  hostname?: string;
  ServerTime?: string;
  RequestTime?: string;
  $metadata?: { httpStatusCode?: number };
}

interface Rule {
  /** What kind of failure, in a few words (the unit test's name for the row). */
  what: string;
  when(f: Failure, e: ErrorLike): boolean;
  code(e: ErrorLike): string;
  message(f: Failure, e: ErrorLike): string;
  retryable(f: Failure): boolean;
}

const s3Code = (e: ErrorLike): string => e.Code ?? e.name ?? e.code ?? 'Error';
const errno = (e: ErrorLike): string | undefined => e.code;
const said = (e: ErrorLike): string => String(e.message ?? '').replace(/[.\s]+$/, '');
const retryHelps = (f: Failure): boolean => ['transient', 'throttled', 'credentials', 'network'].includes(f.kind);

// Beyond the ones a refresh fixes, these also mean S3 no longer takes our credentials.
const REFUSED_CREDENTIAL_CODES = new Set([...CREDENTIAL_CODES, 'InvalidAccessKeyId', 'SignatureDoesNotMatch']);

/** The table, first match wins. */
export const TRANSFER_FAILURES: readonly Rule[] = [
  {
    what: 'the file is gone',
    when: (f, e) => e.name === 'FileMissingError' || errno(e) === 'ENOENT',
    code: () => 'file_missing',
    message: (f) =>
      `${f.sourcePath} no longer exists: it was moved or deleted before it was uploaded. Add it again from where it is now.`,
    retryable: () => false,
  },
  {
    what: 'the file cannot be read (permissions)',
    when: (f, e) => errno(e) === 'EACCES' || errno(e) === 'EPERM',
    code: () => 'file_unreadable',
    message: (f, e) =>
      `Hoist is not allowed to read ${f.sourcePath} (${errno(e)}). Give your user read access to it (or copy it somewhere you can read), then retry.`,
    retryable: () => true,
  },
  {
    what: 'the disk cannot be read',
    when: (f, e) => errno(e) === 'EIO' || errno(e) === 'ENXIO' || errno(e) === 'ENODEV',
    code: () => 'disk_unreadable',
    message: (f, e) =>
      `The disk holding ${f.sourcePath} could not be read (${errno(e)}: an input/output error). Check that the disk or network share is connected and working, then retry.`,
    retryable: () => true,
  },
  {
    what: 'the file became a folder',
    when: (f, e) => errno(e) === 'EISDIR',
    code: () => 'file_unreadable',
    message: (f) =>
      `${f.sourcePath} is now a folder, not a file. Add the folder itself if you want its files uploaded.`,
    retryable: () => true,
  },
  {
    what: "the computer's clock is off",
    when: (f, e) => s3Code(e) === 'RequestTimeTooSkewed',
    code: () => 'clock_skew',
    message: (f, e) => {
      const offset = skewSeconds(e);
      const where =
        offset === undefined ? "this computer's clock is more than 15 minutes off" : clockOffsetWords(offset);
      return `S3 refused the upload because ${where}, and it accepts at most 15 minutes. ${SET_THE_CLOCK}, then retry.`;
    },
    retryable: () => true,
  },
  {
    what: 'S3 denies access',
    when: (f, e) => s3Code(e) === 'AccessDenied' || s3Code(e) === 'AllAccessDisabled',
    code: () => 'access_denied',
    message: (f, e) =>
      `S3 refused to store ${f.destination}: access denied${said(e) && said(e) !== 'Access Denied' ? ` (${said(e)})` : ''}. Your account is not allowed to write there; ask whoever runs Hoist for your organisation to check the bucket and its role policy.`,
    retryable: () => false,
  },
  {
    what: 'the sign-in is no longer accepted by S3',
    when: (f, e) => REFUSED_CREDENTIAL_CODES.has(s3Code(e)),
    code: (e) => s3Code(e),
    message: (f, e) =>
      `S3 no longer accepts this sign-in (${s3Code(e)}). Sign out and sign in again, then retry; if it keeps happening, check the computer's clock.`,
    retryable: () => true,
  },
  {
    what: 'the proxy refuses',
    when: (f, e) => e instanceof ProxyRefusedError,
    code: () => 'proxy_refused',
    message: (f, e) =>
      /credentials|user name/.test(said(e))
        ? `S3 could not be reached: ${said(e)}. Then retry.`
        : `S3 could not be reached: ${said(e)}. Check the proxy in Settings → Network (or HTTPS_PROXY), or ask your IT team to allow it, then retry.`,
    retryable: () => true,
  },
  {
    what: 'the certificate is not trusted',
    when: (f, e) => e instanceof UntrustedCertificateError,
    code: () => 'untrusted_certificate',
    message: (f, e) => `S3 could not be reached securely: ${said(e)}. Then retry.`,
    retryable: () => true,
  },
  {
    what: 'S3 cannot be reached',
    when: (f, e) => NETWORK_CODES.has(errno(e) ?? '') || e.name === 'NetworkUnavailableError',
    code: () => 'network',
    message: (f, e) =>
      `S3 could not be reached (${said(e) || errno(e)}). Check the network connection and proxy; Hoist continues by itself once it is back.`,
    retryable: () => true,
  },
  {
    what: 'S3 keeps asking to slow down',
    when: (f) => f.kind === 'throttled',
    code: (e) => s3Code(e),
    message: (f, e) =>
      `S3 asked Hoist to slow down, again and again (${s3Code(e)}). Retry in a few minutes, or upload fewer files at a time (Settings).`,
    retryable: () => true,
  },
  {
    what: 'S3 fails on its side',
    when: (f) => f.kind === 'transient',
    code: (e) => s3Code(e),
    message: (f, e) =>
      `S3 failed several times in a row on its side (${s3Code(e)}${said(e) && said(e) !== s3Code(e) ? `: ${said(e)}` : ''}). Retry in a few minutes.`,
    retryable: () => true,
  },
];

/** The transfer's error: the table's row for it, or S3's own code and words with what retrying can do. */
export function describeTransferFailure(failure: Failure): TransferError {
  const e = (failure.error ?? {}) as ErrorLike;
  for (const rule of TRANSFER_FAILURES) {
    if (rule.when(failure, e))
      return { code: rule.code(e), message: rule.message(failure, e), retryable: rule.retryable(failure) };
  }
  const code = s3Code(e);
  const retryable = retryHelps(failure);
  const words = said(e) && said(e) !== code ? `${code}: ${said(e)}` : code;
  return {
    code,
    message: `Uploading ${failure.destination} failed (${words}).${retryable ? ' Retry; Hoist continues from the parts already sent.' : ''}`,
    retryable,
  };
}

/**
 * Seconds S3's clock is ahead of the request's, from the RequestTime (x-amz-date form, 20261202T142000Z)
 * and ServerTime (ISO) that S3 puts in its RequestTimeTooSkewed answer; undefined without them.
 */
export function skewSeconds(e: { RequestTime?: string; ServerTime?: string }): number | undefined {
  const request = parseAwsTime(e.RequestTime);
  const server = parseAwsTime(e.ServerTime);
  if (request === undefined || server === undefined) return undefined;
  return Math.round((server - request) / 1000);
}

function parseAwsTime(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const compact = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text.trim());
  const ms = compact
    ? Date.UTC(+compact[1]!, +compact[2]! - 1, +compact[3]!, +compact[4]!, +compact[5]!, +compact[6]!)
    : Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

/** What a failed action (a command from a window or the command line) adds to its error: what to do. */
export const ACTION_ADVICE: ReadonlyArray<{ what: string; name: string; advice: string }> = [
  {
    what: 'the sign-in service cannot be reached',
    name: 'NetworkUnavailableError',
    advice:
      'Check the network connection and the proxy (Settings → Network); if other sites work, the service may be down. Try again in a moment.',
  },
  {
    what: 'the sign-in has expired',
    name: 'SignInRequiredError',
    advice: 'Your uploads wait and continue once you have signed in again.',
  },
];

/** The error with what to do after its own words, when the table has advice for it (the same error, kept whole). */
export function withActionAdvice(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const row = ACTION_ADVICE.find((r) => r.name === error.name);
  if (!row || error.message.includes(row.advice)) return error;
  error.message = `${error.message.replace(/\s+$/, '')} ${row.advice}`;
  return error;
}
