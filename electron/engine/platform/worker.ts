// Starts a worker thread whose program is a TypeScript module beside its caller, linted and type-checked
// like the rest (docs/ARCHITECTURE.md, style rule 10). From the build, scripts/build-main.mjs has emitted
// the module as <name>.js in the folder of every bundle and chunk, so the caller's own URL locates it.
// From sources (tsx, vitest) the thread starts in worker-from-source.mjs, which loads the .ts module.
import { Worker } from 'node:worker_threads';

/** `callerUrl` is the caller's import.meta.url; `name` the worker module's file name without extension. */
export function startWorker(callerUrl: string, name: string): Worker {
  if (!callerUrl.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, callerUrl));
  const entry = new URL(`./${name}.ts`, callerUrl).href;
  return new Worker(new URL('./worker-from-source.mjs', import.meta.url), { workerData: { entry } });
}
