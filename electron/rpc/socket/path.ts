// Where a running Hoist listens for its command line: a Unix socket inside the data folder (the
// folder's 0700 permissions are the access control, as for docker.sock), or a named pipe on Windows.
import { createHash } from 'node:crypto';
import path from 'node:path';

export function controlSocketPath(dataDir: string): string {
  const absolute = path.resolve(dataDir);
  if (process.platform === 'win32')
    return `\\\\.\\pipe\\hoist-${createHash('sha256').update(absolute).digest('hex').slice(0, 16)}`;
  const inside = path.join(absolute, 'hoist.sock');
  // Unix socket paths are limited to ~104 bytes; deep data folders fall back to a hashed name in /tmp.
  return Buffer.byteLength(inside) < 100
    ? inside
    : path.join(
        '/tmp',
        `hoist-${process.getuid?.() ?? 0}-${createHash('sha256').update(absolute).digest('hex').slice(0, 16)}.sock`,
      );
}
