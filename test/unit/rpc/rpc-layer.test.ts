// The generic RPC server and client every transport shares (electron/rpc/server.ts,
// electron/common/rpc/client.ts), joined by an in-memory transport. The engine side is the real settings
// store and event bus; the only other command wired (transfers.pause) throws the engine's real error.
// The transports themselves are covered through real sockets by the CLI and headless tests.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  events as contractEvents,
  type EngineApi,
  type EngineEventSource,
  type Settings,
} from '../../../electron/common/contract.js';
import { createRpcClient } from '../../../electron/common/rpc/client.js';
import { RpcCallError } from '../../../electron/common/rpc/errors.js';
import { createEventBus } from '../../../electron/engine/platform/event-bus.js';
import { defaultSettings, openSettings } from '../../../electron/engine/state/settings.js';
import { UnknownTransferError } from '../../../electron/engine/transfers/control-errors.js';
import { fanOutEvents } from '../../../electron/rpc/events.js';
import { createRpcServer, type RpcServer } from '../../../electron/rpc/server.js';
import { transportPair } from '../../support/transport-pair.js';

let dir: string;
let server: RpcServer;
let subscribed: () => number;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'hoist-rpc-'));
  const settings = openSettings(dir);
  const bus = createEventBus();
  settings.onChange((next) => bus.emit('settings.changed', next));
  let listeners = 0;
  const events: EngineEventSource = {
    on(event, listener) {
      listeners++;
      const off = bus.on(event, listener);
      return () => {
        listeners--;
        off();
      };
    },
  };
  subscribed = () => listeners;
  const engine = {
    events,
    'settings.get': async () => settings.get(),
    'settings.update': async (patch: Partial<Settings>) => settings.update(patch),
    'transfers.pause': async ({ id }: { id: string }) => {
      throw new UnknownTransferError(id);
    },
  } as unknown as EngineApi & { events: EngineEventSource };
  server = createRpcServer(engine, { log: { error: () => {} } });
});

afterEach(async () => {
  server.close();
  await rm(dir, { recursive: true, force: true });
});

function connect() {
  const pair = transportPair();
  server.serve(pair.server);
  return { ...pair, rpc: createRpcClient(pair.client, { checkResults: true }) };
}

describe('the generic RPC server and client', () => {
  it('answers each call with its own result', async () => {
    const { rpc } = connect();
    const [updated, read] = await Promise.all([
      rpc.call('settings.update', { filesInParallel: 9 }),
      rpc.call('settings.get', {}),
    ]);
    expect(updated.filesInParallel).toBe(9);
    expect(read.filesInParallel).toBe(9);
  });

  it('pushes an event to every connected client', async () => {
    const a = connect();
    const b = connect();
    const heardByB: number[] = [];
    b.rpc.on('settings.changed', (s) => heardByB.push(s.partsInParallel));
    await a.rpc.call('settings.update', { partsInParallel: 12 });
    await expect.poll(() => heardByB).toEqual([12]);
  });

  it("turns the engine's failure into an RpcCallError with its message and machine code", async () => {
    const { rpc } = connect();
    const error = await rpc.call('transfers.pause', { id: 'nope' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RpcCallError);
    expect(error).toMatchObject({
      code: 'failed',
      detail: 'unknown_transfer',
      message: 'There is no transfer with id nope.',
    });
  });

  it('refuses bad params before the engine sees them', async () => {
    const { rpc } = connect();
    const error = await rpc.call('settings.update', { filesInParallel: 0 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'invalid_params' });
    expect((await rpc.call('settings.get', {})).filesInParallel).not.toBe(0);
  });

  it('answers a frame that is not JSON, and keeps serving', async () => {
    const pair = connect();
    pair.sendRawToServer('{not json');
    await expect
      .poll(() => pair.sentByServer)
      .toContainEqual({ id: -1, error: { code: 'invalid_request', message: 'Not JSON.' } });
    expect((await pair.rpc.call('settings.get', {})).startAtLogin).toBe(false);
  });

  it('fails a call in flight with "disconnected" when the connection drops', async () => {
    const { rpc, client } = connect();
    const call = rpc.call('settings.get', {});
    client.close();
    await expect(call).rejects.toMatchObject({ name: 'RpcCallError', code: 'disconnected' });
  });

  it('subscribes to the engine once however many clients connect, and lets go when closed', async () => {
    connect();
    const once = subscribed();
    expect(once).toBe(Object.keys(contractEvents).length);
    connect();
    expect(subscribed()).toBe(once);
    server.close();
    expect(subscribed()).toBe(0);
  });
});

describe('event fan-out', () => {
  it('parses no event while no one would receive it, and every event once someone would', () => {
    const bus = createEventBus();
    const errors: string[] = [];
    const sent: unknown[] = [];
    let connected = false;
    const stop = fanOutEvents(
      bus,
      (m) => sent.push(m),
      { error: (m) => errors.push(m) },
      () => connected,
    );
    const notTotals = { nonsense: true } as never;
    bus.emit('totals', notTotals);
    expect(errors).toEqual([]);
    connected = true;
    bus.emit('totals', notTotals);
    expect(errors).toEqual(['rpc: engine event totals does not match the contract; dropped']);
    bus.emit('settings.changed', defaultSettings);
    expect(sent).toHaveLength(1);
    stop();
  });
});
