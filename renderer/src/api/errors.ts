// An RPC error as the UI sees it: the contract's code, a message fit to show, and the engine's own code.
import type { RpcError } from '../../../electron/common/contract.js';

export class RpcCallError extends Error {
  readonly code: RpcError['code'] | 'disconnected';
  readonly detail?: string;
  constructor(error: { code: RpcError['code'] | 'disconnected'; message: string; detail?: string }) {
    super(error.message);
    this.name = 'RpcCallError';
    this.code = error.code;
    if (error.detail !== undefined) this.detail = error.detail;
  }
}

/** A message fit for the user, whatever was thrown. */
export function messageOf(err: unknown): string {
  if (err instanceof Error && err.message) return err.message;
  return 'Something went wrong.';
}
