// aws-chunked part bodies: the framing and trailer S3 decodes, slots reused only once the socket took
// their bytes, and a file that shrinks under the read.
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { crc32Base64 } from '../../../../electron/engine/transfers/body.js';
import { chunkedBody, chunkedBufferSize } from '../../../../electron/engine/transfers/chunked-body.js';
import { FileChangedError } from '../../../../electron/engine/transfers/file-version.js';
import { TokenBucket } from '../../../../electron/engine/transfers/token-bucket.js';
import { AwsChunkedDecoder } from '../../../../server/local-cloud/s3/aws-chunked.js';

const dir = mkdtempSync(join(tmpdir(), 'hoist-chunked-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A request stand-in that holds every write's callback until release() (a socket that is slow to take bytes). */
class HeldWriter {
  writes: Buffer[] = [];
  /** What each write held when it was written: a reused slot would change the buffer, not this copy. */
  copies: Buffer[] = [];
  callbacks: Array<() => void> = [];
  ended: Buffer | undefined;
  write(chunk: Buffer, callback: () => void): boolean {
    this.writes.push(chunk);
    this.copies.push(Buffer.from(chunk));
    this.callbacks.push(callback);
    return false;
  }
  end(chunk: Buffer): void {
    this.ended = chunk;
  }
  /** Writes whose bytes changed while the socket still held them (a slot reused too soon). */
  torn = 0;
  private held = 0;
  release(): void {
    for (let i = this.held; i < this.writes.length; i++) if (!this.writes[i]!.equals(this.copies[i]!)) this.torn++;
    this.held = this.writes.length;
    for (const callback of this.callbacks.splice(0)) callback();
  }
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

function options(errors: unknown[] = []) {
  return {
    bucket: new TokenBucket(null),
    signal: new AbortController().signal,
    onBytes: () => undefined,
    onError: (e: unknown) => errors.push(e),
  };
}

describe('chunkedBody', () => {
  it('sends the range aws-chunked with its CRC32 trailer, never rewriting a slot the socket still holds', async () => {
    const data = randomBytes(3 * 1024 * 1024 + 12345);
    const file = join(dir, 'range.bin');
    writeFileSync(file, data);
    const handle = await open(file);
    const offset = 1000;
    const size = data.length - 2000;
    const body = chunkedBody(handle, file, offset, size, Buffer.alloc(chunkedBufferSize(size)), options());
    const writer = new HeldWriter();
    body.stream.pipe(writer as unknown as NodeJS.WritableStream);
    for (let i = 0; i < 400 && writer.writes.length < 4; i++) await tick();
    // Every slot is on its way and none has been taken: nothing more is read or written.
    expect(writer.writes).toHaveLength(4);
    for (let i = 0; i < 5; i++) await tick();
    expect(writer.writes).toHaveLength(4);
    while (writer.ended === undefined) {
      writer.release();
      await tick();
    }
    await handle.close();
    expect(writer.torn).toBe(0);
    const decoder = new AwsChunkedDecoder();
    const events = [...writer.copies, writer.ended].flatMap((b) => decoder.push(b));
    const sent = Buffer.concat(events.flatMap((e) => (e.type === 'data' ? [e.data] : [])));
    const expected = data.subarray(offset, offset + size);
    expect(sent.equals(expected)).toBe(true);
    expect(events).toContainEqual({
      type: 'trailer',
      name: 'x-amz-checksum-crc32',
      value: crc32Base64(crc32(expected)),
    });
    expect(decoder.done).toBe(true);
    expect(body.checksum()).toBe(crc32Base64(crc32(expected)));
    expect(body.bytesRead()).toBe(size);
  });

  it('aborts the request with FileChangedError when the file shrank', async () => {
    const file = join(dir, 'shrinks.bin');
    writeFileSync(file, randomBytes(2 * 1024 * 1024));
    const handle = await open(file);
    truncateSync(file, 1024 * 1024);
    const errors: unknown[] = [];
    const size = 2 * 1024 * 1024;
    const body = chunkedBody(handle, file, 0, size, Buffer.alloc(chunkedBufferSize(size)), options(errors));
    const writer = new HeldWriter();
    body.stream.pipe(writer as unknown as NodeJS.WritableStream);
    while (errors.length === 0) {
      writer.release();
      await tick();
    }
    await handle.close();
    expect(body.error()).toBeInstanceOf(FileChangedError);
    expect(errors).toEqual([body.error()]);
    expect(writer.ended).toBeUndefined();
  });
});
