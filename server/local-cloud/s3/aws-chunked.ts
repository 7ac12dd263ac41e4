// Incremental decoder for `Content-Encoding: aws-chunked` bodies (docs/ARCHITECTURE.md, AWS behaviour 2),
// fed whatever buffers the socket delivers. Handles unsigned chunks with trailers (the SDK's default for
// streams) and signed chunks (`<hex>;chunk-signature=<sig>`); signature checking is left to the caller,
// which sees every chunk header, the chunk data and the trailers as events. HTTP's own chunked framing is
// already removed by node.

export type ChunkEvent =
  | { type: 'chunk'; size: number; signature: string | undefined }
  | { type: 'data'; data: Buffer }
  | { type: 'chunk-end' }
  | { type: 'trailer'; name: string; value: string }
  | { type: 'end' };

export class ChunkedFormatError extends Error {}

const MAX_LINE = 4096;
const MAX_TRAILER_BYTES = 16 * 1024;

type State = 'size' | 'data' | 'data-crlf' | 'trailer' | 'done';

export class AwsChunkedDecoder {
  private state: State = 'size';
  private line: Buffer[] = [];
  private lineLength = 0;
  private remaining = 0;
  private crlfSeen = 0;
  private trailerBytes = 0;

  get done(): boolean {
    return this.state === 'done';
  }

  /** Feeds the next raw bytes; returns the events they complete. Throws ChunkedFormatError on bad framing. */
  push(input: Buffer): ChunkEvent[] {
    const events: ChunkEvent[] = [];
    let offset = 0;
    while (offset < input.length) {
      switch (this.state) {
        case 'size':
        case 'trailer': {
          const newline = input.indexOf(0x0a, offset);
          const end = newline === -1 ? input.length : newline + 1;
          this.appendLine(input.subarray(offset, end));
          offset = end;
          if (newline !== -1) this.finishLine(events);
          break;
        }
        case 'data': {
          const take = Math.min(this.remaining, input.length - offset);
          events.push({ type: 'data', data: input.subarray(offset, offset + take) });
          offset += take;
          this.remaining -= take;
          if (this.remaining === 0) this.state = 'data-crlf';
          break;
        }
        case 'data-crlf': {
          const expected = this.crlfSeen === 0 ? 0x0d : 0x0a;
          if (input[offset] !== expected) throw new ChunkedFormatError('chunk data not followed by CRLF');
          offset += 1;
          this.crlfSeen += 1;
          if (this.crlfSeen === 2) {
            this.crlfSeen = 0;
            this.state = 'size';
            events.push({ type: 'chunk-end' });
          }
          break;
        }
        case 'done':
          throw new ChunkedFormatError('data after the end of the aws-chunked body');
      }
    }
    return events;
  }

  private appendLine(part: Buffer): void {
    this.lineLength += part.length;
    if (this.state === 'trailer') this.trailerBytes += part.length;
    if (this.lineLength > MAX_LINE || this.trailerBytes > MAX_TRAILER_BYTES)
      throw new ChunkedFormatError('aws-chunked header line too long');
    this.line.push(part);
  }

  private takeLine(): string {
    const text = Buffer.concat(this.line, this.lineLength).toString('latin1');
    this.line = [];
    this.lineLength = 0;
    if (!text.endsWith('\r\n')) throw new ChunkedFormatError('aws-chunked line not terminated by CRLF');
    return text.slice(0, -2);
  }

  private finishLine(events: ChunkEvent[]): void {
    const text = this.takeLine();
    if (this.state === 'size') {
      const match = /^([0-9a-fA-F]{1,15})(?:;chunk-signature=([0-9a-fA-F]{64}))?$/.exec(text);
      if (!match) throw new ChunkedFormatError(`bad aws-chunked chunk header: ${JSON.stringify(text.slice(0, 80))}`);
      const size = parseInt(match[1] ?? '', 16);
      events.push({ type: 'chunk', size, signature: match[2]?.toLowerCase() });
      if (size === 0) {
        events.push({ type: 'chunk-end' });
        this.state = 'trailer';
      } else {
        this.remaining = size;
        this.state = 'data';
      }
      return;
    }
    // trailer section: name:value lines, then an empty line ends the body
    if (text === '') {
      this.state = 'done';
      events.push({ type: 'end' });
      return;
    }
    const colon = text.indexOf(':');
    if (colon <= 0) throw new ChunkedFormatError('bad aws-chunked trailer line');
    events.push({
      type: 'trailer',
      name: text.slice(0, colon).trim().toLowerCase(),
      value: text.slice(colon + 1).trim(),
    });
  }
}
