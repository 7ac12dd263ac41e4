import { describe, expect, it } from 'vitest';
import {
  backoffMs,
  classify,
  THROTTLE_BACKOFF,
  TRANSIENT_BACKOFF,
} from '../../../../electron/engine/transfers/retry.js';

const s3Error = (name: string, status: number) =>
  Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });

describe('error classification', () => {
  it.each([
    [Object.assign(new Error('x'), { name: 'SignInRequiredError' }), 'sign-in'],
    [Object.assign(new Error('x'), { name: 'NetworkUnavailableError' }), 'network'],
    [Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }), 'network'],
    [new Error('socket hang up'), 'network'],
    [Object.assign(new Error('wrapped'), { cause: { code: 'EAI_AGAIN' } }), 'network'],
    [s3Error('ExpiredToken', 400), 'credentials'],
    [s3Error('InvalidToken', 400), 'credentials'],
    [s3Error('SlowDown', 503), 'throttled'],
    [s3Error('Unknown', 503), 'throttled'],
    [s3Error('InternalError', 500), 'transient'],
    [s3Error('BadDigest', 400), 'transient'],
    [s3Error('NoSuchUpload', 404), 'no-such-upload'],
    [s3Error('AccessDenied', 403), 'permanent'],
    [s3Error('InvalidArgument', 400), 'permanent'],
  ])('%s → %s', (error, kind) => {
    expect(classify(error)).toBe(kind);
  });

  it('anything after our own abort is "aborted"', () => {
    const c = new AbortController();
    c.abort();
    expect(classify(s3Error('InternalError', 500), c.signal)).toBe('aborted');
  });
});

describe('backoff', () => {
  it('is full jitter under an exponential ceiling with a cap', () => {
    expect(backoffMs(0, TRANSIENT_BACKOFF, () => 0.999)).toBeLessThan(TRANSIENT_BACKOFF.baseMs);
    expect(backoffMs(3, TRANSIENT_BACKOFF, () => 0.5)).toBe(TRANSIENT_BACKOFF.baseMs * 4);
    expect(backoffMs(50, TRANSIENT_BACKOFF, () => 0.999)).toBeLessThan(TRANSIENT_BACKOFF.capMs);
    expect(backoffMs(0, TRANSIENT_BACKOFF, () => 0)).toBe(0);
    expect(backoffMs(2, THROTTLE_BACKOFF, () => 0.999)).toBeGreaterThan(backoffMs(2, TRANSIENT_BACKOFF, () => 0.999));
  });
});
