// Streaming digests for object data: MD5 (the ETag) always, plus whichever x-amz-checksum-* algorithm the
// request declares, plus SHA-256 when x-amz-content-sha256 is a hex hash. All are fed from the same buffers
// as the file write, so every byte is read once.
import { createHash, type Hash } from 'node:crypto';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { Crc32c } from '@aws-crypto/crc32c';

export type ChecksumAlgorithm = 'CRC32' | 'CRC32C' | 'SHA1' | 'SHA256' | 'CRC64NVME';
export const CHECKSUM_ALGORITHMS: readonly ChecksumAlgorithm[] = ['CRC32', 'CRC32C', 'SHA1', 'SHA256', 'CRC64NVME'];
export const SUPPORTED_ALGORITHMS: readonly ChecksumAlgorithm[] = ['CRC32', 'CRC32C', 'SHA1', 'SHA256'];

/** `x-amz-checksum-crc32` etc. */
export const checksumHeader = (algorithm: ChecksumAlgorithm): string => `x-amz-checksum-${algorithm.toLowerCase()}`;
/** `ChecksumCRC32` etc., as in XML bodies. */
export const checksumElement = (algorithm: ChecksumAlgorithm): string => `Checksum${algorithm}`;

export function parseAlgorithm(value: string | undefined): ChecksumAlgorithm | undefined {
  if (value === undefined) return undefined;
  const upper = value.toUpperCase();
  return (CHECKSUM_ALGORITHMS as readonly string[]).includes(upper) ? (upper as ChecksumAlgorithm) : undefined;
}

export interface Digest {
  update(data: Buffer): void;
  /** base64 of the raw digest (CRCs big-endian), as S3 headers carry it. */
  base64(): string;
}

class CryptoDigest implements Digest {
  private readonly hash: Hash;
  constructor(name: string) {
    this.hash = createHash(name);
  }
  update(data: Buffer): void {
    this.hash.update(data);
  }
  base64(): string {
    return this.hash.digest('base64');
  }
}

class Crc32Digest implements Digest {
  private value = 0;
  update(data: Buffer): void {
    this.value = zlibCrc32(data, this.value);
  }
  base64(): string {
    return uint32Base64(this.value);
  }
}

class Crc32cDigest implements Digest {
  private readonly crc = new Crc32c();
  update(data: Buffer): void {
    this.crc.update(data);
  }
  base64(): string {
    return uint32Base64(this.crc.digest());
  }
}

function uint32Base64(value: number): string {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value >>> 0);
  return out.toString('base64');
}

export function createDigest(algorithm: ChecksumAlgorithm): Digest {
  switch (algorithm) {
    case 'CRC32':
      return new Crc32Digest();
    case 'CRC32C':
      return new Crc32cDigest();
    case 'SHA1':
      return new CryptoDigest('sha1');
    case 'SHA256':
      return new CryptoDigest('sha256');
    case 'CRC64NVME':
      throw new Error('CRC64NVME is not supported');
  }
}

/** The digest of a whole buffer (composite checksums over part checksums). */
export function digestOf(algorithm: ChecksumAlgorithm, data: Buffer): string {
  const digest = createDigest(algorithm);
  digest.update(data);
  return digest.base64();
}

/** Decoded length of each algorithm's digest, to reject malformed header values with InvalidRequest. */
export const DIGEST_BYTES: Record<ChecksumAlgorithm, number> = {
  CRC32: 4,
  CRC32C: 4,
  SHA1: 20,
  SHA256: 32,
  CRC64NVME: 8,
};
