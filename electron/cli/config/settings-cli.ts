// What the command line's parser needs of the setting keys, in one module loaded on demand
// (electron/cli/index.ts): the run-limit options of upload and sync, and config's help.
export { configHelp } from './help.js';
export { runLimitOptions } from './run-options.js';
