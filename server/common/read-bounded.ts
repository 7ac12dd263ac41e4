// server/common: small helpers the servers (broker, local cloud) share; depends on nothing of ours.
import type { IncomingMessage } from 'node:http';

/**
 * Buffers at most `limit` bytes. Past it, the rest is read and dropped rather than the stream destroyed,
 * so the client still gets the error reply (sent with `connection: close`).
 */
export function readBounded(req: IncomingMessage, limit: number, tooLarge: () => Error): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    req.on('data', (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > limit) {
        settled = true;
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!settled) resolve(Buffer.concat(chunks));
      settled = true;
    });
    req.on('error', (error) => {
      if (!settled) reject(error);
      settled = true;
    });
  });
}
