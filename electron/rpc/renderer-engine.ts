// The engine as a window may use it (Electron IPC, the headless WebSocket): the same commands, except
// that transfers.add takes only handles (./path-handles.ts), never a path the window names itself, so a
// compromised window cannot queue ~/.ssh. The command line and the control socket, a local user's own
// tools, keep passing paths (docs/ARCHITECTURE.md, Contracts: who reaches the engine).
import type { CommandParams, EngineApi, EngineEventSource } from '../common/contract.js';
import type { PathHandles } from './path-handles.js';

function refusal(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

export function rendererEngine<E extends EngineApi & { events: EngineEventSource }>(
  engine: E,
  handles: PathHandles,
): E {
  const add = async ({ paths, handles: given, to }: CommandParams<'transfers.add'>) => {
    if (paths !== undefined || given === undefined)
      throw refusal(
        'The window cannot name files by path: drop them on the window or choose them with the file picker.',
        'paths_not_accepted',
      );
    const resolved = given.map((handle) => handles.resolve(handle));
    if (resolved.some((p) => p === undefined))
      throw refusal(
        'A file handle is unknown (it was not given by this Hoist): drop or choose the files again.',
        'unknown_handle',
      );
    return engine['transfers.add']({ paths: resolved as string[], ...(to !== undefined ? { to } : {}) });
  };
  return Object.assign(Object.create(engine) as E, { 'transfers.add': add });
}
