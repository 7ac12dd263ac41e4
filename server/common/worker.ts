// Starts a worker thread from a TypeScript module beside the caller (the local cloud's hasher). Built,
// the module is <name>.js next to the bundle (scripts/build-main.mjs emits it there); from sources the
// thread starts in worker-from-source.mjs, which loads the .ts module through tsx.
import { Worker } from 'node:worker_threads';

/** `callerUrl` is the caller's import.meta.url; `name` the worker module's file name without extension. */
export function startWorker(callerUrl: string, name: string): Worker {
  const built = !callerUrl.endsWith('.ts');
  if (built) return new Worker(new URL(`./${name}.js`, callerUrl));
  return new Worker(new URL('./worker-from-source.mjs', import.meta.url), {
    workerData: { entry: new URL(`./${name}.ts`, callerUrl).href },
  });
}
