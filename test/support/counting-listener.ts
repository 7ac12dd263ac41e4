// A TCP listener that counts the connections it accepts, reachable under a host name the trust rules
// do NOT count as loopback: this machine's own host name (which often resolves to 127.0.x.x) or, failing
// that, one of its non-loopback addresses. Tests point a client at it to prove whether a connection was
// attempted at all; every accepted socket is closed at once.
import { lookup } from 'node:dns/promises';
import net from 'node:net';
import os from 'node:os';

export interface CountingListener {
  /** A host[:port] for URLs, e.g. "vm:41234". */
  host: string;
  connections(): number;
  close(): Promise<void>;
}

/** A name for this machine that is not spelled as loopback, and the address it reaches; undefined when none. */
async function nonLoopbackName(): Promise<{ name: string; address: string } | undefined> {
  const hostname = os.hostname();
  if (hostname && hostname !== 'localhost' && net.isIP(hostname) === 0) {
    try {
      const { address, family } = await lookup(hostname, { family: 4 });
      if (family === 4) return { name: hostname, address };
    } catch {
      // no resolvable host name: try an interface address
    }
  }
  for (const infos of Object.values(os.networkInterfaces())) {
    const info = infos?.find((i) => i.family === 'IPv4' && !i.internal);
    if (info) return { name: info.address, address: info.address };
  }
  return undefined;
}

export async function startCountingListener(): Promise<CountingListener | undefined> {
  const target = await nonLoopbackName();
  if (!target) return undefined;
  let count = 0;
  const server = net.createServer((socket) => {
    count += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, target.address, () => resolve());
  });
  const { port } = server.address() as net.AddressInfo;
  return {
    host: `${target.name}:${port}`,
    connections: () => count,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
