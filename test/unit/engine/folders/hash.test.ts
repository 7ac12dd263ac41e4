import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sha256File, sha256SmallFile } from '../../../../electron/engine/folders/hash.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hoist-hash-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

describe('content hashes', () => {
  it.each([0, 1, 4096, 100_000])('hash a small file of %i bytes whole', async (size) => {
    const file = join(dir, 'f');
    const data = Buffer.alloc(size, 7);
    writeFileSync(file, data);
    expect(await sha256SmallFile(file)).toBe(sha256(data));
    expect(await sha256File(file)).toBe(sha256(data));
  });
});
