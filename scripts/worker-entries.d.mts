// Types for worker-entries.mjs, which the TypeScript bench build imports.
export declare const workerEntries: Record<string, string>;
