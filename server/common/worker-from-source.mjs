// A worker thread's first module when the servers run from their TypeScript sources (tsx, vitest): it
// loads the real worker module through tsx's API, since Node 20 applies no `--import` loader to a
// worker's modules. Built code starts its workers from their emitted JavaScript and never uses this file.
import { workerData } from 'node:worker_threads';
import { tsImport } from 'tsx/esm/api';

await tsImport(workerData.entry, import.meta.url);
