// A mixed workload for the fault tests: a few multi-part files and many small ones dropped with
// transfers.add, plus a watched folder (folders.add) that gets one more file once it is watched.
// `verify` waits until every file is in the bucket and checks each byte for byte.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import type { Engine } from '../../../electron/engine/index.js';
import { MiB, sha256, type Rig } from './rig.js';

export interface WorkloadShape {
  large: number[];
  small: number;
  watched: number;
}

export const defaultShape: WorkloadShape = { large: [11 * MiB + 5, 6 * MiB], small: 12, watched: 4 };

export interface Workload {
  /** Expected objects: key relative to the user's prefix → sha256. */
  expected: Map<string, string>;
  start(engine: Engine): Promise<void>;
  verify(engine: Engine, rig: Rig, timeoutMs?: number): Promise<void>;
}

function write(file: string, size: number, expected: Map<string, string>, key: string): void {
  const data = randomBytes(size);
  writeFileSync(file, data);
  expected.set(key, sha256(data));
}

export function makeWorkload(root: string, name: string, shape: WorkloadShape = defaultShape): Workload {
  const drop = path.join(root, `${name}-drop`);
  const watch = path.join(root, `${name}-watch`);
  mkdirSync(path.join(drop, 'small'), { recursive: true });
  mkdirSync(path.join(watch, 'nested'), { recursive: true });
  const expected = new Map<string, string>();
  shape.large.forEach((size, i) =>
    write(path.join(drop, `large-${i}.bin`), size, expected, `${name}/${name}-drop/large-${i}.bin`),
  );
  for (let i = 0; i < shape.small; i++)
    write(path.join(drop, 'small', `s${i}.txt`), 1 + i * 997, expected, `${name}/${name}-drop/small/s${i}.txt`);
  for (let i = 0; i < shape.watched; i++)
    write(path.join(watch, 'nested', `w${i}.dat`), 100 + i * 4096, expected, `${name}-watch/nested/w${i}.dat`);

  return {
    expected,
    async start(engine) {
      await engine['settings.update']({ stabilityWindowMs: 300, filesInParallel: 4, partsInParallel: 3 });
      await engine['transfers.add']({ paths: [drop], to: name });
      await engine['folders.add']({ path: watch });
      // one more, written after the folder is watched: it must arrive through the watcher
      write(path.join(watch, 'late.bin'), 64 * 1024 + 1, expected, `${name}-watch/late.bin`);
    },
    async verify(engine, rig, timeoutMs = 90_000) {
      const { identityId } = await engine['session.get']({});
      expect(identityId).toBeTruthy();
      const prefix = `uploads/${identityId}/`;
      const wanted = [...expected.keys()].map((k) => prefix + k).sort();
      await expect
        .poll(
          async () => {
            const keys = new Set(await rig.listKeys(prefix));
            return wanted.filter((k) => !keys.has(k));
          },
          { timeout: timeoutMs, interval: 250 },
        )
        .toEqual([]);
      await expect
        .poll(
          async () =>
            (await engine['transfers.list']({ filter: 'all' }))
              .filter((t) => t.state !== 'done')
              .map((t) => `${t.destination}: ${t.state}`),
          { timeout: timeoutMs, interval: 250 },
        )
        .toEqual([]);
      for (const [key, sha] of expected) expect(await rig.objectSha256(prefix + key), key).toBe(sha);
      // exactly the expected objects under this workload's names: no duplicates ("x (2).bin"), no strays
      const ours = [
        ...(await rig.listKeys(`${prefix}${name}/`)),
        ...(await rig.listKeys(`${prefix}${name}-watch/`)),
      ].sort();
      expect(ours).toEqual(wanted);
      expect(await rig.openUploads(prefix)).toEqual([]);
    },
  };
}
