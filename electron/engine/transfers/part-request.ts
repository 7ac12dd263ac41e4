// UploadPart built from the SDK's own parts, as putBuffer does for small PutObjects (s3-client.ts): the
// bucket's route (endpoint rules and SigV4 signer), the client's credentials, clock-skew correction and
// HTTP handler (same sockets, timeouts, abort), without the per-request middleware stack. The body is
// what the SDK sends for a stream with a checksum: aws-chunked (chunked-body.ts), unsigned, ending with
// the part's CRC32 in a trailer that S3 checks. The caller sends through the SDK where there is no route.
import type { S3Client } from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import { CHECKSUM_TRAILER } from './chunked-body.js';
import { putRequest, sendSigned, type Route } from './s3-client.js';

export interface UploadPartInput {
  Bucket: string;
  Key: string;
  UploadId: string;
  PartNumber: number;
  /** aws-chunked, with the CRC32 trailer (chunked-body.ts). */
  Body: Readable;
  /** Bytes of the part (before the aws-chunked framing). */
  ContentLength: number;
}

export interface UploadPartOutput {
  ETag?: string;
  /** The CRC32 S3 stored (absent if it does not say). */
  ChecksumCRC32?: string;
}

export async function uploadChunkedPart(
  route: Route,
  s3: S3Client,
  input: UploadPartInput,
  signal: AbortSignal,
): Promise<UploadPartOutput> {
  signal.throwIfAborted();
  const query = { 'x-id': 'UploadPart', partNumber: String(input.PartNumber), uploadId: input.UploadId };
  const request = putRequest(route, input.Key, query, input.Body, {
    // As the SDK sends a stream with a checksum trailer: HTTP-chunked, so no length up front.
    'content-encoding': 'aws-chunked',
    'transfer-encoding': 'chunked',
    'x-amz-decoded-content-length': String(input.ContentLength),
    'x-amz-trailer': CHECKSUM_TRAILER,
    'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
  });
  const header = await sendSigned(route, s3, request, signal);
  const etag = header('etag');
  const checksum = header('x-amz-checksum-crc32');
  return { ...(etag ? { ETag: etag } : {}), ...(checksum ? { ChecksumCRC32: checksum } : {}) };
}
