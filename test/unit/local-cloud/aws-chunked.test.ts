// The aws-chunked decoder, fed the SDK's exact framing in every possible split.
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { AwsChunkedDecoder, ChunkedFormatError, type ChunkEvent } from '../../../server/local-cloud/s3/aws-chunked.js';
import { sha256 } from '../../support/digest.js';

function encodeUnsigned(data: Buffer, chunkSize: number, trailer?: [string, string]): Buffer {
  const parts: Buffer[] = [];
  for (let i = 0; i < data.length; i += chunkSize) {
    const chunk = data.subarray(i, i + chunkSize);
    parts.push(Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from('0\r\n'));
  if (trailer) parts.push(Buffer.from(`${trailer[0]}:${trailer[1]}\r\n`));
  parts.push(Buffer.from('\r\n'));
  return Buffer.concat(parts);
}

function decodeAll(decoder: AwsChunkedDecoder, pieces: Buffer[]): { data: Buffer; events: ChunkEvent[] } {
  const events: ChunkEvent[] = [];
  for (const p of pieces) events.push(...decoder.push(p));
  const data = Buffer.concat(events.flatMap((e) => (e.type === 'data' ? [e.data] : [])));
  return { data, events };
}

const crcB64 = (data: Buffer): string => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(crc32(data));
  return b.toString('base64');
};

describe('AwsChunkedDecoder', () => {
  it('decodes the SDK framing of a 70,000-byte stream with a CRC32 trailer (70,053 bytes on the wire)', () => {
    const data = Buffer.alloc(70_000);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7) % 251;
    const wire = encodeUnsigned(data, 65_536, ['x-amz-checksum-crc32', crcB64(data)]);
    expect(wire.length).toBe(70_053);
    expect(wire.subarray(0, 7).toString()).toBe('10000\r\n');
    const decoder = new AwsChunkedDecoder();
    const { data: out, events } = decodeAll(decoder, [wire]);
    expect(out.equals(data)).toBe(true);
    expect(decoder.done).toBe(true);
    expect(events.filter((e) => e.type === 'trailer')).toEqual([
      { type: 'trailer', name: 'x-amz-checksum-crc32', value: crcB64(data) },
    ]);
    expect(events.at(-1)).toEqual({ type: 'end' });
  });

  it('gives the same result however the bytes are split', () => {
    const data = Buffer.from('hello, aws-chunked world');
    const wire = encodeUnsigned(data, 5, ['x-amz-checksum-crc32', crcB64(data)]);
    for (let split = 1; split < wire.length; split++) {
      const decoder = new AwsChunkedDecoder();
      const { data: out, events } = decodeAll(decoder, [wire.subarray(0, split), wire.subarray(split)]);
      expect(out.toString()).toBe(data.toString());
      expect(decoder.done).toBe(true);
      expect(events.find((e) => e.type === 'trailer')).toMatchObject({ value: crcB64(data) });
    }
    const byteByByte = new AwsChunkedDecoder();
    expect(
      decodeAll(
        byteByByte,
        [...wire].map((b) => Buffer.from([b])),
      ).data.toString(),
    ).toBe(data.toString());
  });

  it('reports chunk signatures of signed chunks', () => {
    const sig = sha256('x');
    const wire = Buffer.from(`3;chunk-signature=${sig}\r\nabc\r\n0;chunk-signature=${sig}\r\n\r\n`);
    const decoder = new AwsChunkedDecoder();
    const { data, events } = decodeAll(decoder, [wire]);
    expect(data.toString()).toBe('abc');
    expect(events.filter((e) => e.type === 'chunk')).toEqual([
      { type: 'chunk', size: 3, signature: sig },
      { type: 'chunk', size: 0, signature: sig },
    ]);
    expect(decoder.done).toBe(true);
  });

  it('is not done when the body stops early', () => {
    const wire = encodeUnsigned(Buffer.from('abcdef'), 3);
    const decoder = new AwsChunkedDecoder();
    decodeAll(decoder, [wire.subarray(0, wire.length - 4)]);
    expect(decoder.done).toBe(false);
  });

  it.each([
    ['a non-hex size', 'zz\r\nabc\r\n0\r\n\r\n'],
    ['data not followed by CRLF', '3\r\nabcX\r\n0\r\n\r\n'],
    ['a bare LF line ending', '3\nabc\r\n0\r\n\r\n'],
    ['a trailer line without a colon', '0\r\nnonsense\r\n\r\n'],
    ['bytes after the end', '0\r\n\r\nextra'],
  ])('refuses %s', (_name, text) => {
    expect(() => decodeAll(new AwsChunkedDecoder(), [Buffer.from(text)])).toThrow(ChunkedFormatError);
  });

  it('refuses an endless header line instead of buffering it', () => {
    expect(() => decodeAll(new AwsChunkedDecoder(), [Buffer.alloc(10_000, 0x31)])).toThrow(ChunkedFormatError);
  });
});
