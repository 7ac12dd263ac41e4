// A fault-injecting HTTP proxy in front of the real local cloud, on 127.0.0.1. It forwards bytes
// unchanged (so SigV4 signatures stay valid) and can, on demand:
//   - answer the next matching requests with an S3 error (500 InternalError, 503 SlowDown, …),
//   - reset the connection mid-body, stall a socket (read nothing, answer nothing),
//   - truncate the response (the upstream did the work; the client sees half an answer or none),
//   - add latency to every request, cap the bandwidth in both directions,
//   - refuse connections ("network down"), for good or for a while, and come back on the same port.
// The upstream can be changed at any time (a restarted cloud on another port).
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { Transform, type TransformCallback } from 'node:stream';

export type Match = (req: IncomingMessage) => boolean;

export interface FaultProxy {
  url: string;
  /** The next `count` matching requests get `status` with S3 error `code` (the body is read first). */
  failNext(count: number, status: number, code: string, match?: Match): void;
  /** The next `count` matching requests have their connection cut after the first body bytes (or at once). */
  resetNext(count: number, match?: Match): void;
  /** The next `count` matching requests are swallowed: nothing is read or answered (a stalled socket). */
  stallNext(count: number, match?: Match): void;
  /** The next `count` matching requests reach the upstream, but only part of its answer reaches the client. */
  truncateNext(count: number, match?: Match): void;
  /** The next `count` matching requests reach the upstream, and every CRC32 in its answer (header and XML) is replaced by another. */
  lieAboutCrc32Next(count: number, match?: Match): void;
  /** Delay before each request is forwarded (0 = none). */
  setLatency(ms: number): void;
  /** Bytes per second in each direction for each connection (null = unlimited). */
  setBandwidth(bytesPerSecond: number | null): void;
  setUpstream(url: string): void;
  /** Faults queued and not yet triggered. */
  pending(): number;
  /** How many faults have fired, by kind. */
  fired(): Record<FaultKind, number>;
  /** Requests forwarded unchanged. */
  forwarded(): number;
  /** Stop listening and cut every connection: clients get ECONNREFUSED until up(). */
  down(): Promise<void>;
  /** down(), then up() again after `ms`; resolves when it is back. */
  downFor(ms: number): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

export type FaultKind = 'fail' | 'reset' | 'stall' | 'truncate' | 'lie';

export const isUploadPart: Match = (req) => req.method === 'PUT' && (req.url ?? '').includes('partNumber=');
export const isPutObject: Match = (req) =>
  req.method === 'PUT' && !(req.url ?? '').includes('partNumber=') && !(req.url ?? '').includes('uploadId=');
export const isCompleteMultipart: Match = (req) => req.method === 'POST' && (req.url ?? '').includes('uploadId=');
export const isCreateMultipart: Match = (req) => req.method === 'POST' && /[?&]uploads(=|&|$)/.test(req.url ?? '');
export const isS3Write: Match = (req) => req.method === 'PUT' || req.method === 'POST';

/** A token bucket shared by the streams of one direction of one connection. */
function throttle(limit: () => number | null): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      const rate = limit();
      if (rate === null) return done(null, chunk);
      const slice = Math.max(1024, Math.floor(rate / 20));
      const pieces: Buffer[] = [];
      for (let i = 0; i < chunk.length; i += slice) pieces.push(chunk.subarray(i, i + slice));
      const next = (): void => {
        const piece = pieces.shift();
        if (!piece) return done();
        this.push(piece);
        setTimeout(next, Math.ceil((piece.length / rate) * 1000));
      };
      next();
    },
  });
}

export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  let target = new URL(upstream);
  const sockets = new Set<Socket>();
  const faults: Array<{ kind: FaultKind; status?: number; code?: string; match: Match }> = [];
  const fired: Record<FaultKind, number> = { fail: 0, reset: 0, stall: 0, truncate: 0, lie: 0 };
  let forwarded = 0;
  let latencyMs = 0;
  let bandwidth: number | null = null;
  let port = 0;
  let server: Server | undefined;
  const stalled = new Set<IncomingMessage>();

  const forward = (req: IncomingMessage, res: ServerResponse, truncate: boolean, lie = false): void => {
    const up = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (upRes) => {
        if (lie) {
          const chunks: Buffer[] = [];
          upRes.on('data', (c: Buffer) => chunks.push(c));
          upRes.on('end', () => {
            const other = 'AAAAAA==';
            const body = Buffer.from(
              Buffer.concat(chunks)
                .toString('utf8')
                .replace(/<ChecksumCRC32>[^<]*<\/ChecksumCRC32>/g, `<ChecksumCRC32>${other}</ChecksumCRC32>`),
            );
            const headers: Record<string, string | string[] | undefined> = {
              ...upRes.headers,
              'content-length': String(body.length),
            };
            if (headers['x-amz-checksum-crc32']) headers['x-amz-checksum-crc32'] = other;
            res.writeHead(upRes.statusCode ?? 502, headers);
            res.end(body);
          });
          return;
        }
        if (truncate) {
          const chunks: Buffer[] = [];
          upRes.on('data', (c: Buffer) => chunks.push(c));
          upRes.on('end', () => {
            const body = Buffer.concat(chunks);
            if (body.length === 0) {
              // Nothing to cut short: the answer is lost altogether, after the upstream acted on the request.
              req.socket.destroy();
              return;
            }
            res.writeHead(upRes.statusCode ?? 502, upRes.headers);
            res.write(body.subarray(0, Math.floor(body.length / 2)), () => req.socket.destroy());
          });
          return;
        }
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        upRes.pipe(throttle(() => bandwidth)).pipe(res);
      },
    );
    up.on('error', () => res.destroy());
    req.pipe(throttle(() => bandwidth)).pipe(up);
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const i = faults.findIndex((f) => f.match(req));
    const fault = i >= 0 ? faults.splice(i, 1)[0] : undefined;
    if (fault) fired[fault.kind]++;
    if (fault?.kind === 'stall') {
      req.pause();
      stalled.add(req);
      req.socket.on('close', () => stalled.delete(req));
      return;
    }
    if (fault?.kind === 'reset') {
      const cut = setTimeout(() => req.socket.destroy(), 50);
      req.once('data', () => {
        clearTimeout(cut);
        req.socket.destroy();
      });
      return;
    }
    if (fault?.kind === 'fail') {
      req.resume();
      req.on('end', () => {
        res.writeHead(fault.status!, { 'content-type': 'application/xml' });
        res.end(
          `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${fault.code}</Code><Message>injected by the fault proxy</Message><RequestId>fault</RequestId></Error>`,
        );
      });
      return;
    }
    forwarded++;
    const truncate = fault?.kind === 'truncate';
    const lie = fault?.kind === 'lie';
    if (latencyMs > 0) {
      req.pause();
      setTimeout(() => forward(req, res, truncate, lie), latencyMs);
    } else {
      forward(req, res, truncate, lie);
    }
  };

  const listen = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const s = createServer({ requestTimeout: 0 }, handle);
      s.on('connection', (socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
      });
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        port = (s.address() as { port: number }).port;
        server = s;
        resolve();
      });
    });

  const stop = (): Promise<void> =>
    new Promise((resolve) => {
      const s = server;
      server = undefined;
      for (const socket of sockets) socket.destroy();
      if (!s) return resolve();
      s.close(() => resolve());
    });

  const enqueue = (
    kind: FaultKind,
    count: number,
    match: Match,
    extra: { status?: number; code?: string } = {},
  ): void => {
    for (let n = 0; n < count; n++) faults.push({ kind, match, ...extra });
  };

  await listen();
  return {
    url: `http://127.0.0.1:${port}`,
    failNext: (count, status, code, match = () => true) => enqueue('fail', count, match, { status, code }),
    resetNext: (count, match = () => true) => enqueue('reset', count, match),
    stallNext: (count, match = () => true) => enqueue('stall', count, match),
    truncateNext: (count, match = () => true) => enqueue('truncate', count, match),
    lieAboutCrc32Next: (count, match = () => true) => enqueue('lie', count, match),
    setLatency: (ms) => void (latencyMs = ms),
    setBandwidth: (bps) => void (bandwidth = bps),
    setUpstream: (url) => void (target = new URL(url)),
    pending: () => faults.length,
    fired: () => ({ ...fired }),
    forwarded: () => forwarded,
    down: stop,
    async downFor(ms) {
      await stop();
      await new Promise((r) => setTimeout(r, ms));
      await listen();
    },
    up: listen,
    close: stop,
  };
}
