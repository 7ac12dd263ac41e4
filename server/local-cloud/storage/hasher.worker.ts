// The hasher's thread (hasher.ts says why): digests of bodies fed block by block from shared memory, one
// job per body, with Node's own algorithms; CRC32 from node:zlib as 4 big-endian bytes.
import { createHash, type Hash } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import { crc32 } from 'node:zlib';
import type { HasherMessage, RawAlgorithm, Reply } from './hasher.js';

const port = parentPort!;

type Running = { a: RawAlgorithm; hash: Hash } | { a: 'crc32'; crc: number };

const jobs = new Map<number, Running[]>();

function digestOf(h: Running): [RawAlgorithm, Buffer] {
  if ('hash' in h) return [h.a, h.hash.digest()];
  const b = Buffer.alloc(4);
  b.writeUInt32BE(h.crc >>> 0);
  return [h.a, b];
}

function handle(m: HasherMessage): void {
  if (m.type === 'begin') {
    jobs.set(
      m.job,
      m.algorithms.map((a): Running => (a === 'crc32' ? { a, crc: 0 } : { a, hash: createHash(a) })),
    );
  } else if (m.type === 'update') {
    const view = new Uint8Array(m.memory, m.offset, m.length);
    for (const h of jobs.get(m.job) ?? []) {
      if ('hash' in h) h.hash.update(view);
      else h.crc = crc32(view, h.crc);
    }
    port.postMessage({ job: m.job, seq: m.seq } satisfies Reply);
  } else if (m.type === 'digest') {
    const digests = (jobs.get(m.job) ?? []).map(digestOf);
    jobs.delete(m.job);
    port.postMessage({ job: m.job, seq: m.seq, digests } satisfies Reply);
  } else {
    jobs.delete(m.job);
  }
}

port.on('message', (m: HasherMessage) => {
  try {
    handle(m);
  } catch (e) {
    jobs.delete(m.job);
    port.postMessage({
      job: m.job,
      seq: 'seq' in m ? m.seq : -1,
      error: String((e as Error)?.message),
    } satisfies Reply);
  }
});
