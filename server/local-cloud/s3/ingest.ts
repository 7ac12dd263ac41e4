// Receives an object or part body: decodes aws-chunked framing when present, verifies chunk signatures,
// streams the bytes to a temp file in bounded memory and feeds every digest (MD5 for the ETag, the declared
// x-amz-checksum-*, SHA-256 for a hex x-amz-content-sha256, Content-MD5) from the same bytes, one pass: as
// they arrive, or for large bodies from the staging blocks of their direct write, on a hasher thread.
// Every mismatch is refused with S3's error before the data becomes visible.
import { createHash, type Hash } from 'node:crypto';
import { unlink } from 'node:fs/promises';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { DIRECT_MIN_BYTES, openBodyWriter, type BodyWriter } from '../storage/body-writer.js';
import { startHashJob, type HashJob, type RawAlgorithm } from '../storage/hasher.js';
import { constantTimeEqual } from '../auth/sigv4.js';
import { AwsChunkedDecoder, ChunkedFormatError, type ChunkEvent } from './aws-chunked.js';
import {
  CHECKSUM_ALGORITHMS,
  DIGEST_BYTES,
  SUPPORTED_ALGORITHMS,
  checksumHeader,
  createDigest,
  parseAlgorithm,
  type ChecksumAlgorithm,
  type Digest,
} from './checksums.js';
import type { S3Context } from './context.js';
import { S3Error, errors } from './errors.js';

const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export class ClientGoneError extends Error {}

export interface IngestResult {
  size: number;
  md5Hex: string;
  /** base64 checksums computed, by algorithm (the declared one and any the caller asked for). */
  checksums: Partial<Record<ChecksumAlgorithm, string>>;
  /** The algorithm the client declared (header or trailer), if any. */
  declaredAlgorithm?: ChecksumAlgorithm;
}

export interface IngestOptions {
  /** Where the body is written (a new file); deleted again when the body is refused. */
  path: string;
  maxSize: number;
  /** Algorithms to compute even when the client sends none (a multipart upload's algorithm). */
  alsoCompute?: ChecksumAlgorithm[];
}

/** Checksum algorithm the request declares (header or trailer), validated; undefined when none. */
export function declaredChecksum(
  ctx: S3Context,
): { algorithm: ChecksumAlgorithm; value?: string; inTrailer: boolean } | undefined {
  // A presigned PUT's query checksum is of an empty body (docs/ARCHITECTURE.md, AWS behaviour 3).
  if (ctx.auth?.presigned) return undefined;
  const found: Array<{ algorithm: ChecksumAlgorithm; value?: string; inTrailer: boolean }> = [];
  for (const algorithm of CHECKSUM_ALGORITHMS) {
    const value = ctx.header(checksumHeader(algorithm));
    if (value !== undefined) found.push({ algorithm, value, inTrailer: false });
  }
  const trailer = ctx.header('x-amz-trailer');
  if (trailer !== undefined) {
    const match = /^x-amz-checksum-([a-z0-9]+)$/.exec(trailer.trim().toLowerCase());
    const algorithm = parseAlgorithm(match?.[1]);
    if (!algorithm) throw errors.InvalidRequest(`The value specified in the x-amz-trailer header is not supported`);
    found.push({ algorithm, inTrailer: true });
  }
  if (found.length > 1)
    throw errors.InvalidRequest('Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.');
  const only = found[0];
  if (!only) {
    const sdkAlgorithm = ctx.header('x-amz-sdk-checksum-algorithm');
    if (sdkAlgorithm !== undefined && !parseAlgorithm(sdkAlgorithm)) {
      throw errors.InvalidRequest('Value for x-amz-sdk-checksum-algorithm header is invalid.');
    }
    return undefined;
  }
  if (!SUPPORTED_ALGORITHMS.includes(only.algorithm)) throw errors.NotImplemented();
  if (only.value !== undefined && Buffer.from(only.value, 'base64').length !== DIGEST_BYTES[only.algorithm]) {
    throw errors.InvalidRequest(`Value for ${checksumHeader(only.algorithm)} header is invalid.`);
  }
  return only;
}

export async function ingestBody(ctx: S3Context, options: IngestOptions): Promise<IngestResult> {
  const contentSha = ctx.auth?.presigned
    ? 'UNSIGNED-PAYLOAD'
    : (ctx.header('x-amz-content-sha256') ?? 'UNSIGNED-PAYLOAD');
  const streaming = contentSha.startsWith('STREAMING-');
  const signedChunks =
    contentSha === 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD' || contentSha === 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER';
  const signedTrailer = contentSha === 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER';
  if (streaming && !signedChunks && contentSha !== 'STREAMING-UNSIGNED-PAYLOAD-TRAILER') {
    throw errors.NotImplemented(); // e.g. STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD (SigV4a)
  }
  const hexSha = /^[0-9a-f]{64}$/i.test(contentSha) ? contentSha.toLowerCase() : undefined;
  if (!streaming && !hexSha && contentSha !== 'UNSIGNED-PAYLOAD') {
    throw errors.InvalidArgument(
      'x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, ' +
        'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER or a valid sha256 value.',
      {
        ArgumentName: 'x-amz-content-sha256',
      },
    );
  }

  const lengthHeader = streaming ? ctx.header('x-amz-decoded-content-length') : ctx.header('content-length');
  if (lengthHeader === undefined || !/^\d+$/.test(lengthHeader)) throw errors.MissingContentLength();
  const expected = Number(lengthHeader);
  if (expected > options.maxSize)
    throw errors.EntityTooLarge({ ProposedSize: String(expected), MaxSizeAllowed: String(options.maxSize) });

  const contentMd5 = ctx.header('content-md5');
  if (contentMd5 !== undefined && Buffer.from(contentMd5, 'base64').length !== 16)
    throw errors.InvalidDigest({ 'Content-MD5': contentMd5 });
  const declared = declaredChecksum(ctx);
  if (declared?.inTrailer && !streaming)
    throw errors.InvalidRequest('x-amz-trailer requires an aws-chunked body (STREAMING-…-TRAILER).');

  // Every digest the body needs, by the node algorithm behind it (SHA-256 once, whether for the payload
  // hash or a checksum). Large bodies written direct are hashed from their staging blocks on a hasher
  // thread; the rest, and CRC32C (not in node), here as the bytes arrive.
  const algorithms = [...new Set([...(declared ? [declared.algorithm] : []), ...(options.alsoCompute ?? [])])];
  const needed = new Set<RawAlgorithm>(['md5']);
  if (hexSha) needed.add('sha256');
  const others = new Map<ChecksumAlgorithm, Digest>();
  for (const algorithm of algorithms) {
    const node = RAW[algorithm];
    if (node) needed.add(node);
    else others.set(algorithm, createDigest(algorithm));
  }

  let job: HashJob | undefined = expected >= DIRECT_MIN_BYTES ? startHashJob([...needed]) : undefined;
  let file: BodyWriter | undefined;
  try {
    file = await openBodyWriter(options.path, expected, job ? (block) => job!.update(block) : undefined);
  } catch (err) {
    job?.drop();
    throw err;
  }
  if (job && !file.blocksHandled) {
    job.drop(); // buffered after all (no O_DIRECT here): hash inline
    job = undefined;
  }
  const inline = job ? undefined : new Map([...needed].map((a) => [a, rawHash(a)]));
  let size = 0;
  /** Hashes and stores one piece of the body; a promise = the writer wants us to wait before the next. */
  const accept = (data: Buffer): Promise<void> | undefined => {
    size += data.length;
    if (size > expected) {
      throw errors.InvalidRequest(
        'The request body is longer than its declared length (x-amz-decoded-content-length).',
      );
    }
    if (inline) for (const hash of inline.values()) hash.update(data);
    for (const digest of others.values()) digest.update(data);
    return file?.write(data);
  };

  const trailers = new Map<string, string>();
  try {
    ctx.continueBody();
    const decoder = streaming ? new AwsChunkedDecoder() : undefined;
    const chunkState = signedChunks ? new ChunkSignatures(ctx) : undefined;
    try {
      for await (const raw of ctx.req as AsyncIterable<Buffer>) {
        ctx.log.bytesReceived += raw.length;
        if (!decoder) {
          const wait = accept(raw);
          if (wait) await wait;
        } else {
          let events: ChunkEvent[];
          try {
            events = decoder.push(raw);
          } catch (err) {
            if (err instanceof ChunkedFormatError)
              throw errors.InvalidRequest(`Malformed aws-chunked body: ${err.message}`);
            throw err;
          }
          for (const event of events) {
            if (event.type === 'data') {
              const wait = accept(event.data);
              if (wait) await wait;
            }
            if (event.type === 'trailer') trailers.set(event.name, event.value);
            if (chunkState) await chunkState.onEvent(event, trailers);
          }
        }
      }
    } catch (err) {
      if (err instanceof S3Error) throw err;
      throw new ClientGoneError(String(err));
    }
    if (!ctx.req.complete) throw new ClientGoneError('request aborted');
    if ((decoder && !decoder.done) || size < expected) throw errors.IncompleteBody();
    if (chunkState && signedTrailer) await chunkState.verifyTrailer(trailers);
    const finished = file;
    file = undefined;
    await finished.finish();
    const digests = job ? await job.digest() : new Map([...(inline ?? [])].map(([a, hash]) => [a, hash.digest()]));
    job = undefined;
    const digestOf = (a: RawAlgorithm): Buffer => {
      const d = digests.get(a);
      if (!d) throw new Error(`no ${a} digest`);
      return d;
    };

    const md5Hex = digestOf('md5').toString('hex');
    if (hexSha) {
      const computed = digestOf('sha256').toString('hex');
      if (computed !== hexSha)
        throw errors.XAmzContentSHA256Mismatch({
          ClientComputedContentSHA256: hexSha,
          S3ComputedContentSHA256: computed,
        });
    }
    if (contentMd5 !== undefined && Buffer.from(contentMd5, 'base64').toString('hex') !== md5Hex) {
      throw errors.ContentMD5Mismatch({
        ExpectedDigest: Buffer.from(contentMd5, 'base64').toString('hex'),
        CalculatedDigest: Buffer.from(md5Hex, 'hex').toString('base64'),
      });
    }
    const checksums: Partial<Record<ChecksumAlgorithm, string>> = {};
    for (const algorithm of algorithms) {
      const node = RAW[algorithm];
      checksums[algorithm] = node ? digestOf(node).toString('base64') : others.get(algorithm)!.base64();
    }
    if (declared) {
      const sent = declared.inTrailer ? trailers.get(checksumHeader(declared.algorithm)) : declared.value;
      if (sent === undefined)
        throw errors.InvalidRequest(
          `The trailing header ${checksumHeader(declared.algorithm)} was declared in x-amz-trailer but not sent.`,
        );
      if (sent !== checksums[declared.algorithm]) throw errors.BadDigest(declared.algorithm);
    }
    return { size, md5Hex, checksums, ...(declared ? { declaredAlgorithm: declared.algorithm } : {}) };
  } catch (err) {
    await file?.abort().catch(() => undefined);
    job?.drop();
    await unlink(options.path).catch(() => undefined);
    throw err;
  }
}

/** The node algorithm behind an S3 checksum, where node has one (CRC32C is computed here, with its library). */
const RAW: Partial<Record<ChecksumAlgorithm, RawAlgorithm>> = { CRC32: 'crc32', SHA1: 'sha1', SHA256: 'sha256' };

/** A digest computed here, on the event loop; digest() gives raw bytes (CRC32 big-endian). */
function rawHash(algorithm: RawAlgorithm): { update(data: Buffer): void; digest(): Buffer } {
  if (algorithm === 'crc32') {
    let crc = 0;
    return {
      update: (data) => (crc = zlibCrc32(data, crc)),
      digest: () => {
        const b = Buffer.alloc(4);
        b.writeUInt32BE(crc >>> 0);
        return b;
      },
    };
  }
  const hash = createHash(algorithm);
  return { update: (data) => hash.update(data), digest: () => hash.digest() };
}

/** Checks `chunk-signature`s as they arrive (STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]). */
class ChunkSignatures {
  private previous: string;
  private hash: Hash | undefined;
  private declared: string | undefined;

  constructor(private readonly ctx: S3Context) {
    this.previous = ctx.auth?.signature ?? '';
  }

  async onEvent(event: ChunkEvent, _trailers: Map<string, string>): Promise<void> {
    if (event.type === 'chunk') {
      if (!event.signature) throw mismatch();
      this.declared = event.signature;
      this.hash = createHash('sha256');
    } else if (event.type === 'data') {
      this.hash?.update(event.data);
    } else if (event.type === 'chunk-end') {
      const auth = this.ctx.auth;
      if (!auth || !this.hash || !this.declared) throw mismatch();
      const stringToSign = [
        'AWS4-HMAC-SHA256-PAYLOAD',
        auth.amzDate,
        auth.scope,
        this.previous,
        EMPTY_SHA256,
        this.hash.digest('hex'),
      ].join('\n');
      const expected = await auth.signString(stringToSign);
      if (!constantTimeEqual(expected, this.declared)) throw mismatch();
      this.previous = expected;
      this.hash = undefined;
    }
  }

  async verifyTrailer(trailers: Map<string, string>): Promise<void> {
    const auth = this.ctx.auth;
    const signature = trailers.get('x-amz-trailer-signature');
    if (!auth || !signature) throw mismatch();
    let canonical = '';
    for (const [name, value] of trailers) if (name !== 'x-amz-trailer-signature') canonical += `${name}:${value}\n`;
    const stringToSign = [
      'AWS4-HMAC-SHA256-TRAILER',
      auth.amzDate,
      auth.scope,
      this.previous,
      createHash('sha256').update(canonical).digest('hex'),
    ].join('\n');
    if (!constantTimeEqual(await auth.signString(stringToSign), signature.toLowerCase())) throw mismatch();
  }
}

const mismatch = (): S3Error =>
  new S3Error(
    'SignatureDoesNotMatch',
    403,
    'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
  );

/** Reads a small request body (XML) whole, refusing anything over `limit` bytes. */
export async function readSmallBody(ctx: S3Context, limit: number): Promise<Buffer> {
  const length = ctx.header('content-length');
  if (length !== undefined && Number(length) > limit) throw errors.InvalidRequest('The request body is too large.');
  ctx.continueBody();
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
      total += chunk.length;
      ctx.log.bytesReceived += chunk.length;
      if (total > limit) throw errors.InvalidRequest('The request body is too large.');
      chunks.push(chunk);
    }
  } catch (err) {
    if (err instanceof S3Error) throw err;
    throw new ClientGoneError(String(err));
  }
  const body = Buffer.concat(chunks);
  // A hex payload hash is signed: the body must be the one it names, as for object bodies.
  const declaredSha = ctx.auth?.presigned ? undefined : ctx.header('x-amz-content-sha256');
  if (declaredSha !== undefined && /^[0-9a-f]{64}$/i.test(declaredSha)) {
    const computed = createHash('sha256').update(body).digest('hex');
    if (computed !== declaredSha.toLowerCase()) {
      throw errors.XAmzContentSHA256Mismatch({
        ClientComputedContentSHA256: declaredSha.toLowerCase(),
        S3ComputedContentSHA256: computed,
      });
    }
  }
  const contentMd5 = ctx.header('content-md5');
  if (contentMd5 !== undefined) {
    if (Buffer.from(contentMd5, 'base64').length !== 16) throw errors.InvalidDigest();
    if (createHash('md5').update(body).digest('base64') !== contentMd5) throw errors.ContentMD5Mismatch();
  }
  return body;
}
