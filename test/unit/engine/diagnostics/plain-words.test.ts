// The words a failed transfer is reported in: every row of the table, each saying what happened and what
// to do, never a code alone.
import { describe, expect, it } from 'vitest';
import {
  ACTION_ADVICE,
  describeTransferFailure,
  withActionAdvice,
  skewSeconds,
  TRANSFER_FAILURES,
  type Failure,
} from '../../../../electron/engine/diagnostics/plain-words.js';
import { clockOffsetWords, durationWords } from '../../../../electron/engine/diagnostics/clock-offset.js';
import { ProxyRefusedError, UntrustedCertificateError } from '../../../../electron/engine/net/errors.js';
import { FileMissingError } from '../../../../electron/engine/transfers/file-version.js';

const errno = (code: string) => Object.assign(new Error(`${code}: something, open '/x'`), { code });
const s3 = (code: string, status: number, extra: Record<string, string> = {}, message = '') =>
  Object.assign(new Error(message || code), {
    name: code,
    Code: code,
    $metadata: { httpStatusCode: status },
    ...extra,
  });
const failure = (error: unknown, kind = 'permanent'): Failure => ({
  error,
  kind,
  sourcePath: '/home/ada/Scans/a.pdf',
  destination: 'Scans/a.pdf',
});

// [row of the table, error, kind, code, retryable, what the message must say]
const cases: Array<[string, unknown, string, string, boolean, RegExp]> = [
  [
    'the file is gone',
    new FileMissingError('gone'),
    'permanent',
    'file_missing',
    false,
    /^\/home\/ada\/Scans\/a\.pdf no longer exists: .*Add it again/,
  ],
  ['the file is gone', errno('ENOENT'), 'permanent', 'file_missing', false, /no longer exists/],
  [
    'the file cannot be read (permissions)',
    errno('EACCES'),
    'permanent',
    'file_unreadable',
    true,
    /^Hoist is not allowed to read \/home\/ada\/Scans\/a\.pdf \(EACCES\)\. Give your user read access/,
  ],
  [
    'the disk cannot be read',
    errno('EIO'),
    'permanent',
    'disk_unreadable',
    true,
    /^The disk holding \/home\/ada\/Scans\/a\.pdf could not be read \(EIO: an input\/output error\)\. Check that the disk/,
  ],
  ['the file became a folder', errno('EISDIR'), 'permanent', 'file_unreadable', true, /is now a folder/],
  [
    "the computer's clock is off",
    s3('RequestTimeTooSkewed', 403, { RequestTime: '20261202T150000Z', ServerTime: '2026-12-02T14:30:00Z' }),
    'transient',
    'clock_skew',
    true,
    /^S3 refused the upload because this computer's clock is 30 minutes ahead of S3's, and it accepts at most 15 minutes\. Set the date, time and time zone right.*then retry\.$/,
  ],
  [
    "the computer's clock is off",
    s3('RequestTimeTooSkewed', 403),
    'transient',
    'clock_skew',
    true,
    /clock is more than 15 minutes off/,
  ],
  [
    'S3 denies access',
    s3('AccessDenied', 403, {}, 'Access Denied'),
    'permanent',
    'access_denied',
    false,
    /^S3 refused to store Scans\/a\.pdf: access denied\. .*ask whoever runs Hoist/,
  ],
  [
    'the sign-in is no longer accepted by S3',
    s3('ExpiredToken', 400),
    'credentials',
    'ExpiredToken',
    true,
    /^S3 no longer accepts this sign-in \(ExpiredToken\)\. Sign out and sign in again/,
  ],
  [
    'the proxy refuses',
    new ProxyRefusedError('the proxy at 10.0.0.1:3128 refused the connection to s3.amazonaws.com:443 (HTTP 403)', 403),
    'permanent',
    'proxy_refused',
    true,
    /^S3 could not be reached: the proxy at 10\.0\.0\.1:3128 refused .*\. Check the proxy in Settings → Network/,
  ],
  [
    'the certificate is not trusted',
    new UntrustedCertificateError(
      "the certificate of s3.example:443 is not trusted (SELF_SIGNED_CERT_IN_CHAIN): set HOIST_CA_BUNDLE (or the CA file in Settings) to your company's CA bundle",
      'SELF_SIGNED_CERT_IN_CHAIN',
    ),
    'permanent',
    'untrusted_certificate',
    true,
    /^S3 could not be reached securely: the certificate of s3\.example:443 is not trusted .*set HOIST_CA_BUNDLE/,
  ],
  [
    'S3 cannot be reached',
    errno('ECONNREFUSED'),
    'network',
    'network',
    true,
    /^S3 could not be reached \(.*\)\. Check the network connection/,
  ],
  [
    'S3 keeps asking to slow down',
    s3('SlowDown', 503),
    'throttled',
    'SlowDown',
    true,
    /^S3 asked Hoist to slow down, again and again \(SlowDown\)\. Retry in a few minutes/,
  ],
  [
    'S3 fails on its side',
    s3('InternalError', 500, {}, 'We encountered an internal error.'),
    'transient',
    'InternalError',
    true,
    /^S3 failed several times in a row on its side \(InternalError: We encountered an internal error\)\. Retry/,
  ],
];

describe('failed transfers in words', () => {
  it.each(cases)('%s: %s', (_what, error, kind, code, retryable, says) => {
    const described = describeTransferFailure(failure(error, kind));
    expect(described).toMatchObject({ code, retryable });
    expect(described.message).toMatch(says);
  });

  it('has a case for every row of the table', () => {
    expect(new Set(cases.map((c) => c[0]))).toEqual(new Set(TRANSFER_FAILURES.map((r) => r.what)));
  });

  it('words what no row knows with S3’s own code and message, and what retrying does', () => {
    const other = describeTransferFailure(failure(s3('InvalidArgument', 400, {}, 'Bad header'), 'permanent'));
    expect(other).toEqual({
      code: 'InvalidArgument',
      message: 'Uploading Scans/a.pdf failed (InvalidArgument: Bad header).',
      retryable: false,
    });
    expect(describeTransferFailure(failure(s3('NoSuchUpload', 404), 'no-such-upload')).message).toBe(
      'Uploading Scans/a.pdf failed (NoSuchUpload).',
    );
  });

  it('never says a code alone: every message is a sentence longer than its code', () => {
    for (const [, error, kind] of cases) {
      const { code, message } = describeTransferFailure(failure(error, kind));
      expect(message.length).toBeGreaterThan(code.length + 20);
      expect(message).toMatch(/\.$/);
    }
  });
});

describe('clock offsets in words', () => {
  it.each([
    [0, "this computer's clock agrees with S3's"],
    [42, "this computer's clock is 42 seconds behind S3's"],
    [-1800, "this computer's clock is 30 minutes ahead of S3's"],
    [3900, "this computer's clock is 1 hour 5 minutes behind S3's"],
    [-90000, "this computer's clock is 1 day 1 hour ahead of S3's"],
  ])('%s s → %s', (seconds, words) => {
    expect(clockOffsetWords(seconds)).toBe(words);
  });

  it('rounds as a person says it', () => {
    expect(durationWords(1)).toBe('1 second');
    expect(durationWords(89)).toBe('89 seconds');
    expect(durationWords(90)).toBe('2 minutes');
    expect(durationWords(7200)).toBe('2 hours');
  });

  it('reads S3’s RequestTime and ServerTime, in either form, and nothing else', () => {
    expect(skewSeconds({ RequestTime: '20261202T142000Z', ServerTime: '2026-12-02T14:50:00Z' })).toBe(1800);
    expect(skewSeconds({ RequestTime: '2026-12-02T14:20:00Z', ServerTime: '20261202T142000Z' })).toBe(0);
    expect(skewSeconds({ RequestTime: 'yesterday', ServerTime: '2026-12-02T14:50:00Z' })).toBeUndefined();
    expect(skewSeconds({})).toBeUndefined();
  });
});

describe('failed actions in words', () => {
  it.each(ACTION_ADVICE.map((row) => [row.what, row] as const))(
    '%s: what to do follows the error’s words',
    (_, row) => {
      const error = Object.assign(new Error('The sign-in service at 127.0.0.1:9 cannot be reached (ECONNREFUSED).'), {
        name: row.name,
      });
      const advised = withActionAdvice(error);
      expect(advised).toBe(error);
      expect((advised as Error).message).toBe(
        `The sign-in service at 127.0.0.1:9 cannot be reached (ECONNREFUSED). ${row.advice}`,
      );
      // Said once, however many layers pass it on.
      expect((withActionAdvice(advised) as Error).message).toBe((advised as Error).message);
    },
  );

  it('leaves other errors as they are', () => {
    const error = new Error('The username or password is not correct.');
    expect((withActionAdvice(error) as Error).message).toBe('The username or password is not correct.');
  });
});
