// Staged copies are only needed until their transfer is over: once the engine reports one done
// (verified in the bucket) or cancelled, its staged file is deleted, with any folders it leaves empty.
// Failed transfers keep theirs, so Retry still has something to read.
import { rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import type { EngineEventSource } from '../common/contract.js';

export function cleanStagedCopies(events: EngineEventSource, stagingDir: string): () => void {
  const root = path.resolve(stagingDir) + path.sep;
  const removeEmptyParents = async (file: string) => {
    for (let dir = path.dirname(file); dir.startsWith(root); dir = path.dirname(dir)) {
      // rmdir refuses non-empty folders, which is exactly the stop condition.
      if (
        !(await rmdir(dir).then(
          () => true,
          () => false,
        ))
      )
        return;
    }
  };
  return events.on('transfers.changed', ({ transfers }) => {
    for (const t of transfers) {
      if ((t.state === 'done' || t.state === 'cancelled') && path.resolve(t.sourcePath).startsWith(root)) {
        void rm(t.sourcePath, { force: true }).then(
          () => removeEmptyParents(t.sourcePath),
          () => {},
        );
      }
    }
  });
}
