// Serves the built renderer (renderer/dist) read-only: GET/HEAD of files under the root, nothing else.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.zip': 'application/zip',
};

/** The file under root that a URL path names, or undefined when it would leave root. */
export function resolveStatic(root: string, pathname: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const relative = decoded === '/' ? 'index.html' : decoded.replace(/^\/+/, '');
  const full = path.resolve(root, relative);
  return full.startsWith(path.resolve(root) + path.sep) ? full : undefined;
}

/** Said instead of "Not found" when the window itself has not been built (a fresh clone). */
export const notBuiltMessage =
  "Hoist's window has not been built yet. In the Hoist folder, run `npm run build:renderer` (or `npm run build`), then reload this page.";

/** Sends the file, or a plain 404. Headers common to every response are set by the caller. */
export async function serveStatic(
  root: string,
  pathname: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const file = resolveStatic(root, pathname);
  const info = file ? await stat(file).catch(() => undefined) : undefined;
  if (file === path.resolve(root, 'index.html') && !info?.isFile()) {
    res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8' }).end(notBuiltMessage);
    return;
  }
  if (!file || !info?.isFile()) {
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found');
    return;
  }
  res.writeHead(200, {
    'Content-Type': types[path.extname(file)] ?? 'application/octet-stream',
    'Content-Length': info.size,
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(file)
    .on('error', () => res.destroy())
    .pipe(res);
}

/** One file as a download (`Content-Disposition: attachment`), or a plain 404 when there is none. */
export async function serveDownload(
  file: string | undefined,
  name: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const info = file ? await stat(file).catch(() => undefined) : undefined;
  if (!file || !info?.isFile()) {
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found');
    return;
  }
  res.writeHead(200, {
    'Content-Type': types[path.extname(file)] ?? 'application/octet-stream',
    'Content-Length': info.size,
    'Content-Disposition': `attachment; filename="${name.replace(/[^A-Za-z0-9._-]/g, '_')}"`,
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(file)
    .on('error', () => res.destroy())
    .pipe(res);
}
