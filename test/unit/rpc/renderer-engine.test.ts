// The engine as a window reaches it (electron/rpc/renderer-engine.ts): transfers.add takes only handles
// this process gave out, never a path; every other command passes through untouched. The engine under
// it is a recording stand-in: what is checked here is what reaches it.
import { describe, expect, it } from 'vitest';
import type { EngineApi, EngineEventSource } from '../../../electron/common/contract.js';
import { createDispatcher } from '../../../electron/rpc/dispatch.js';
import { PathHandles } from '../../../electron/rpc/path-handles.js';
import { rendererEngine } from '../../../electron/rpc/renderer-engine.js';

function recordingEngine() {
  const added: unknown[] = [];
  const engine = {
    events: { on: () => () => {} } as EngineEventSource,
    'transfers.add': async (params: unknown) => {
      added.push(params);
      return { ids: ['t1'] };
    },
    'transfers.totals': async () => 'totals',
  } as unknown as EngineApi & { events: EngineEventSource };
  return { engine, added };
}

describe("the window's view of the engine", () => {
  it('refuses paths, even real ones, and unknown handles, with a code; the engine sees none of them', async () => {
    const { engine, added } = recordingEngine();
    const dispatch = createDispatcher(rendererEngine(engine, new PathHandles()), { checkResults: false });
    expect(await dispatch({ id: 1, command: 'transfers.add', params: { paths: ['/etc/passwd'] } })).toMatchObject({
      error: { code: 'failed', detail: 'paths_not_accepted' },
    });
    expect(
      await dispatch({ id: 2, command: 'transfers.add', params: { handles: ['invented-handle-0123456789'] } }),
    ).toMatchObject({ error: { code: 'failed', detail: 'unknown_handle' } });
    expect(
      await dispatch({ id: 3, command: 'transfers.add', params: { paths: ['/a'], handles: ['x'.repeat(20)] } }),
    ).toMatchObject({ error: { code: 'invalid_params' } });
    expect(added).toEqual([]);
  });

  it('resolves the handles it gave to their paths, keeps the destination, and passes other commands through', async () => {
    const { engine, added } = recordingEngine();
    const handles = new PathHandles();
    const a = handles.register('/home/ada/a.txt');
    expect(handles.register('/home/ada/a.txt')).toBe(a);
    const b = handles.register('/home/ada/Photos');
    const view = rendererEngine(engine, handles);
    expect(await view['transfers.add']({ handles: [a, b], to: 'x' })).toEqual({ ids: ['t1'] });
    expect(added).toEqual([{ paths: ['/home/ada/a.txt', '/home/ada/Photos'], to: 'x' }]);
    expect(await view['transfers.totals']({})).toBe('totals');
    expect(view.events).toBe(engine.events);
  });

  it('forgets the oldest handles past its capacity', () => {
    const handles = new PathHandles(2);
    const first = handles.register('/1');
    const second = handles.register('/2');
    handles.register('/3');
    expect(handles.resolve(first)).toBeUndefined();
    expect(handles.resolve(second)).toBe('/2');
  });
});
