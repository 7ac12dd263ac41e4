// The control socket's framing over a real Unix socket: messages split across chunks or sharing one
// arrive whole and in order, a line that is not JSON is reported as such, and a line over the bound
// closes the connection instead of growing without end.
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { notJson } from '../../../electron/common/rpc/transport.js';
import { lineTransport } from '../../../electron/rpc/socket/lines.js';

let dir: string;
let server: net.Server;
const received: unknown[] = [];
let closed = false;

beforeEach(async () => {
  received.length = 0;
  closed = false;
  dir = await mkdtemp(path.join(tmpdir(), 'hoist-lines-'));
  server = net.createServer((socket) => {
    lineTransport(socket, { maxLineBytes: 64 }).receive({
      message: (m) => received.push(m),
      closed: () => (closed = true),
    });
  });
  await new Promise<void>((resolve) => server.listen(path.join(dir, 's.sock'), resolve));
});

afterEach(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

function connect(): Promise<net.Socket> {
  return new Promise((resolve) => {
    const socket = net.connect(path.join(dir, 's.sock'), () => resolve(socket));
  });
}

it('delivers whole messages whatever the chunks, and marks a line that is not JSON', async () => {
  const socket = await connect();
  socket.write('{"id":1,"comm');
  socket.write('and":"a"}\n{"id":2}\nnope\n{"id"');
  socket.write(':3}\n');
  await expect.poll(() => received.length).toBe(4);
  expect(received).toEqual([{ id: 1, command: 'a' }, { id: 2 }, notJson, { id: 3 }]);
  socket.end();
  await expect.poll(() => closed).toBe(true);
});

it('closes the connection on a line longer than the bound', async () => {
  const socket = await connect();
  const ended = new Promise((resolve) => socket.once('close', resolve));
  socket.write('x'.repeat(65));
  await ended;
  await expect.poll(() => closed).toBe(true);
  expect(received).toEqual([]);
});
