// The part-buffer pool, and buffered bodies read into its buffers.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bufferBody } from '../../../../electron/engine/transfers/body.js';
import { PartBufferPool, readRange } from '../../../../electron/engine/transfers/part-buffers.js';
import { FileChangedError } from '../../../../electron/engine/transfers/file-version.js';
import { openSource } from '../../../../electron/engine/transfers/source-file.js';
import { TokenBucket } from '../../../../electron/engine/transfers/token-bucket.js';

const MiB = 1024 * 1024;

async function drain(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

describe('part buffer pool', () => {
  it('lends the same buffer again once it is given back after a success, the smallest idle one that fits', () => {
    const pool = new PartBufferPool(16 * MiB);
    const a = pool.take(8 * MiB)!;
    expect(a.buffer.length).toBe(8 * MiB);
    a.release(true);
    const b = pool.take(5 * MiB + 1)!; // fits in the idle 8 MiB buffer
    expect(b.buffer).toBe(a.buffer);
    const c = pool.take(5 * MiB + 1)!; // none idle: a new one, rounded up to whole MiB
    expect(c.buffer.length).toBe(6 * MiB);
    b.release(true);
    c.release(true);
    expect(pool.take(4 * MiB)!.buffer).toBe(c.buffer);
    expect(pool.heldBytes).toBe(14 * MiB);
  });

  it('never lends more than its limit, and drops idle buffers too small to make room', () => {
    const pool = new PartBufferPool(16 * MiB);
    const a = pool.take(8 * MiB)!;
    const b = pool.take(8 * MiB)!;
    expect(pool.take(1)).toBeUndefined(); // the caller streams instead
    a.release(true);
    b.release(true);
    const small = pool.take(2 * MiB)!; // an idle 8 MiB one fits
    const big = pool.take(8 * MiB)!;
    expect(pool.take(MiB)).toBeUndefined();
    small.release(true);
    big.release(true);
    const four = new PartBufferPool(12 * MiB);
    const x = four.take(4 * MiB)!;
    const y = four.take(8 * MiB)!;
    x.release(true);
    y.release(false);
    const z = four.take(10 * MiB)!; // the idle 4 MiB buffer is dropped for it
    expect(z.buffer.length).toBe(10 * MiB);
    expect(four.heldBytes).toBe(10 * MiB);
    z.release(true);
  });

  it('does not reuse a buffer a failed request may still be sending from', () => {
    const pool = new PartBufferPool(16 * MiB);
    const a = pool.take(8 * MiB)!;
    a.release(false);
    a.release(true); // a second release is ignored
    expect(pool.heldBytes).toBe(0);
    const b = pool.take(8 * MiB)!;
    // Identity, not toBe: a failed toBe deep-compares the two 8 MiB buffers byte by byte (seconds on a busy machine).
    expect(b.buffer === a.buffer).toBe(false);
    b.release(true);
  });

  it('lets go of idle buffers after a while', async () => {
    const pool = new PartBufferPool(16 * MiB, 20);
    pool.take(MiB)!.release(true);
    expect(pool.heldBytes).toBe(MiB);
    await new Promise((r) => setTimeout(r, 60));
    expect(pool.heldBytes).toBe(0);
  });
});

describe('buffered bodies', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hoist-body-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads an exact range, and calls a short read a changed file', async () => {
    const file = join(dir, 'range.bin');
    const data = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));
    writeFileSync(file, data);
    const into = Buffer.alloc(600);
    const source = await openSource(file, undefined);
    try {
      expect((await readRange(source, 100, 500, into)).equals(data.subarray(100, 600))).toBe(true);
      await expect(readRange(source, 900, 200, into)).rejects.toBeInstanceOf(FileChangedError);
    } finally {
      await source.close();
    }
  });

  it('sends every byte once, counting them as the HTTP layer takes them', async () => {
    const data = Buffer.from(Array.from({ length: 600 * 1024 + 7 }, (_, i) => i % 253));
    const counted: number[] = [];
    const body = bufferBody(data, {
      bucket: new TokenBucket(null),
      signal: new AbortController().signal,
      onBytes: (n) => counted.push(n),
    });
    expect((await drain(body.stream)).equals(data)).toBe(true);
    expect(counted.reduce((a, b) => a + b, 0)).toBe(data.length);
    expect(counted.length).toBeGreaterThan(1); // in slices, not all at once
    expect(body.bytesSent()).toBe(data.length);
  });

  it('waits for the token bucket, and stops without an error when the signal aborts', async () => {
    let now = 0;
    const sleeps: number[] = [];
    const bucket = new TokenBucket(
      64 * 1024,
      () => now,
      async (ms) => {
        sleeps.push(ms);
        now += ms;
      },
    );
    const data = Buffer.alloc(200 * 1024, 1);
    const body = bufferBody(data, { bucket, signal: new AbortController().signal, onBytes: () => undefined });
    expect((await drain(body.stream)).length).toBe(data.length);
    expect(sleeps.length).toBeGreaterThan(0);
    expect(now).toBeGreaterThanOrEqual(2500); // 200 KiB at 64 KiB/s, less the first quarter-second burst

    const abort = new AbortController();
    let waiting: Promise<void> | undefined;
    const slow = new TokenBucket(
      1024,
      () => now,
      (_ms, signal) =>
        (waiting = new Promise((_r, reject) =>
          signal?.addEventListener('abort', () => reject(signal.reason as Error)),
        )),
    );
    const stuck = bufferBody(Buffer.alloc(64 * 1024), { bucket: slow, signal: abort.signal, onBytes: () => undefined });
    const errors: unknown[] = [];
    stuck.stream.on('error', (e) => errors.push(e));
    stuck.stream.resume();
    // Signals, not sleeps: the body waits for the bucket; the abort ends that wait; the body has then
    // handled it (its handler was attached first; one more turn for an 'error' event) and stopped quietly.
    await expect.poll(() => waiting !== undefined).toBe(true);
    abort.abort(new Error('paused'));
    await expect(waiting).rejects.toThrow('paused');
    await new Promise((r) => setImmediate(r));
    expect(errors).toEqual([]);
    expect(stuck.bytesSent()).toBeLessThan(64 * 1024);
    stuck.stream.destroy();
  });
});
