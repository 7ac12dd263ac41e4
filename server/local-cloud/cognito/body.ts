// Reads a bounded JSON request body. Cognito requests are tiny; anything large is refused
// before it is buffered, and malformed JSON becomes an error the client can read.
import type { IncomingMessage } from 'node:http';
import { readBounded } from '../../common/read-bounded.js';
import { CognitoError } from './errors.js';

const MAX_BODY_BYTES = 64 * 1024;

export function readBody(req: IncomingMessage): Promise<Buffer> {
  if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) return Promise.reject(tooLarge());
  return readBounded(req, MAX_BODY_BYTES, tooLarge);
}

export function parseJson(body: Buffer): unknown {
  try {
    return body.length === 0 ? {} : (JSON.parse(body.toString('utf8')) as unknown);
  } catch {
    throw new CognitoError('SerializationException', 400, 'The request body is not valid JSON.');
  }
}

function tooLarge(): CognitoError {
  return new CognitoError('SerializationException', 413, `The request body exceeds ${MAX_BODY_BYTES} bytes.`);
}
