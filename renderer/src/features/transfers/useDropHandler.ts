// Drops and chosen files become transfers, always by handle: in Electron the main process keeps each
// File's path and hands back a handle; in a plain browser the bytes are staged on the daemon first
// (api/staging.ts), which answers with a handle of the staged copy.
import { useCallback, useRef, useState, type DragEvent } from 'react';
import type { SkippedPath } from '../../../../electron/common/contract.js';
import { messageOf } from '../../api/index.js';
import { stageFiles, type PickedFile } from '../../api/staging.js';
import { useConnection } from '../../app/hooks.js';
import { collectFiles, takeEntries } from './collect.js';

export interface DropState {
  dragging: boolean;
  /** What is happening with the last drop, for the drop zone to show. */
  status:
    | { kind: 'idle' }
    | { kind: 'staging'; done: number; total: number }
    | { kind: 'queued'; count: number; skipped: SkippedPath[] }
    | { kind: 'error'; message: string };
  handlers: {
    onDragEnter(e: DragEvent): void;
    onDragOver(e: DragEvent): void;
    onDragLeave(e: DragEvent): void;
    onDrop(e: DragEvent): void;
  };
  /** For the "Choose files" input (and "Choose folder" with webkitdirectory). */
  addFiles(files: File[]): void;
}

const hasFiles = (e: DragEvent) => Array.from(e.dataTransfer?.types ?? []).includes('Files');
const chunk = <T>(items: T[], size: number) =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

export function useDropHandler(): DropState {
  const connection = useConnection();
  const [dragging, setDragging] = useState(false);
  const [status, setStatus] = useState<DropState['status']>({ kind: 'idle' });
  const depth = useRef(0);

  const queue = useCallback(
    async (handles: string[]) => {
      let count = 0;
      const skipped: SkippedPath[] = [];
      // The contract takes at most 10,000 handles a call.
      for (const part of chunk(handles, 10_000)) {
        const added = await connection.client.call('transfers.add', { handles: part });
        count += added.ids.length;
        skipped.push(...(added.skipped ?? []));
      }
      setStatus({ kind: 'queued', count, skipped });
    },
    [connection],
  );

  const handle = useCallback(
    async (pick: () => Promise<PickedFile[]>, direct: File[]) => {
      try {
        const drop = connection.drop;
        if (drop.kind === 'handles') {
          const handles = direct.length > 0 ? await drop.handlesFor(direct) : [];
          if (handles.length > 0) await queue(handles);
          return;
        }
        const files = await pick();
        if (files.length === 0) return;
        setStatus({ kind: 'staging', done: 0, total: files.length });
        const roots = await stageFiles(files, drop.token, (done) =>
          setStatus({ kind: 'staging', done, total: files.length }),
        );
        await queue(roots);
      } catch (err) {
        setStatus({ kind: 'error', message: messageOf(err) });
      }
    },
    [connection, queue],
  );

  return {
    dragging,
    status,
    handlers: {
      onDragEnter(e) {
        if (!hasFiles(e)) return;
        e.preventDefault();
        depth.current++;
        setDragging(true);
      },
      onDragOver(e) {
        if (!hasFiles(e)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
      },
      onDragLeave() {
        depth.current = Math.max(0, depth.current - 1);
        if (depth.current === 0) setDragging(false);
      },
      onDrop(e) {
        e.preventDefault();
        depth.current = 0;
        setDragging(false);
        const taken = takeEntries(e.dataTransfer);
        void handle(() => collectFiles(taken), taken.files);
      },
    },
    addFiles(files) {
      // webkitRelativePath is set when the input picked a folder.
      void handle(
        async () => files.map((file) => ({ file, relativePath: file.webkitRelativePath || file.name })),
        files,
      );
    },
  };
}
