// Folder sync: watched folders whose finished files are uploaded to the user's prefix, without the
// user thinking about it. Plain Node (no Electron, no DOM). Depends on: common (contract), the state
// DB and journal (read only, plus our own tables), keys/intake helpers, and the transfer queue's
// add / cancel / list. Nothing here deletes anything remote: the role may only write.
//
//   scanner ─┐                         ┌─ reconcile (state DB: already uploaded? unchanged?)
//   watcher ─┴─ aggregator ─ pipeline ─┼─ stability window ─ hash ─ batched queue.add
//                                      └─ folder keys (NFC, checked, never mangled)
export { createFolderSync, type FolderSync, type FolderSyncDeps } from './folder-sync.js';
export type { FolderQueue, FolderQueueItem } from './pipeline.js';
export { defaultIgnorePatterns } from './ignore-rules.js';
export type { ScanProblem } from './scanner.js';
