// Every worker thread's program, as an esbuild entry point: built next to each bundle that may start it,
// where startWorker (electron/engine/platform/worker.ts, server/common/worker.ts) looks for <name>.js.
export const workerEntries = {
  'small-file-reader.worker': 'electron/engine/transfers/small-file-reader.worker.ts',
  'small-hasher.worker': 'electron/engine/folders/small-hasher.worker.ts',
  'hasher.worker': 'server/local-cloud/storage/hasher.worker.ts',
};
