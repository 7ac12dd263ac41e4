// Every worker program is built: startWorker looks for <name>.js beside the bundles, which
// scripts/build-main.mjs emits only for the modules scripts/worker-entries.mjs lists under that name.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { workerEntries } from '../../scripts/worker-entries.mjs';

const root = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

function workerModules(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.worker.ts'))
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'));
}

describe('worker entry points', () => {
  it('lists every *.worker.ts under electron/ and server/, named as startWorker asks for it', () => {
    const found = [...workerModules('electron'), ...workerModules('server')].sort();
    expect(found.length).toBeGreaterThan(0);
    expect(Object.values(workerEntries).sort()).toEqual(found);
    for (const [name, file] of Object.entries(workerEntries)) expect(name).toBe(path.basename(file, '.ts'));
  });
});
