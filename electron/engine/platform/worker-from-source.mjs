// A worker thread's first module when Hoist runs from its TypeScript sources (tsx, vitest): it loads the
// real worker module through tsx's API. Node 20 applies no `--import` loader to a worker's modules, so the
// loader cannot simply be passed on. The build emits workers as JavaScript and never uses this file.
import { workerData } from 'node:worker_threads';
import { tsImport } from 'tsx/esm/api';

await tsImport(workerData.entry, import.meta.url);
