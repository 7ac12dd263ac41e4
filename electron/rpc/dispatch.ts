// The dispatcher: the single entry through which every transport reaches the engine. It validates the
// envelope, the command name and the params against the contract before the engine sees anything, and
// turns every failure (bad input or an engine exception) into an RpcResponse: nothing escapes as a crash.
import type { z } from 'zod';
import {
  RpcRequest,
  commands,
  isCommandName,
  type EngineApi,
  type RpcError,
  type RpcResponse,
} from '../common/contract.js';
import { stderrLog, type RpcLog } from './log.js';

export type Dispatch = (raw: unknown) => Promise<RpcResponse>;

export interface DispatcherOptions {
  /**
   * Parse results with the contract's result schema before they leave (default true). Parsing strips
   * fields the contract does not name, so a stray field (say, a token) can never cross the boundary,
   * and a result of the wrong shape becomes an error here instead of a confusing one in the window.
   */
  checkResults?: boolean;
  /** Where to report engine results that break the contract (a bug, never user input). */
  onContractViolation?: (command: string, message: string) => void;
  /** Where the default `onContractViolation` reports (default: stderr). */
  log?: RpcLog;
}

/** The id to answer with: the request's own when it has a usable one, -1 otherwise. */
function idOf(raw: unknown): number {
  if (typeof raw === 'object' && raw !== null && Object.hasOwn(raw, 'id')) {
    const id = (raw as { id: unknown }).id;
    if (typeof id === 'number' && Number.isSafeInteger(id) && id >= 0) return id;
  }
  return -1;
}

/** A short, value-free description of what is wrong: paths and zod's messages, never the input itself. */
export function describeIssues(error: z.ZodError): string {
  const shown = error.issues.slice(0, 3).map((issue) => {
    const where = issue.path.length > 0 ? issue.path.map(String).join('.') : 'params';
    return `${where}: ${issue.message}`;
  });
  const more = error.issues.length > 3 ? ` (and ${error.issues.length - 3} more)` : '';
  return (shown.join('; ') + more).slice(0, 500);
}

/** An engine error as the window may see it: its message and a machine code when it has one, no stack. */
function failure(err: unknown): RpcError {
  const message = err instanceof Error && err.message ? err.message : 'The operation failed.';
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  const detail = typeof code === 'string' && /^[a-z][a-z0-9_.-]{0,63}$/i.test(code) ? code : undefined;
  return detail ? { code: 'failed', message, detail } : { code: 'failed', message };
}

export function createDispatcher(engine: EngineApi, options: DispatcherOptions = {}): Dispatch {
  const checkResults = options.checkResults ?? true;
  const report =
    options.onContractViolation ??
    ((command, message) =>
      (options.log ?? stderrLog).error(`rpc: ${command} returned a result outside the contract: ${message}`));

  return async (raw) => {
    const id = idOf(raw);
    const envelope = RpcRequest.safeParse(raw);
    if (!envelope.success) return { id, error: { code: 'invalid_request', message: describeIssues(envelope.error) } };

    const { command, params } = envelope.data;
    // Own-property check: "constructor", "__proto__" or "toString" are not commands.
    if (!isCommandName(command)) return { id, error: { code: 'unknown_command', message: 'No such command.' } };

    const spec = commands[command];
    const parsed = spec.params.safeParse(params);
    if (!parsed.success) return { id, error: { code: 'invalid_params', message: describeIssues(parsed.error) } };

    let result: unknown;
    try {
      // The parsed copy, not the raw input, goes to the engine: zod built it from the schema's keys only.
      const handler = engine[command] as (p: unknown) => Promise<unknown>;
      result = await handler.call(engine, parsed.data);
    } catch (err) {
      return { id, error: failure(err) };
    }

    if (!checkResults) return { id, result };
    const checked = spec.result.safeParse(result);
    if (!checked.success) {
      report(command, describeIssues(checked.error));
      return { id, error: { code: 'failed', message: 'The engine returned an unexpected result.' } };
    }
    return { id, result: checked.data };
  };
}
