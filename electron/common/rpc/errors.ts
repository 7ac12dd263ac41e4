// The error every RPC client throws for a failed call: the contract's code, the engine's message (fit
// to show a person) and the engine's machine code in `detail`; "disconnected" when the connection
// dropped before the reply came (the engine may or may not have run the command).
import type { RpcError } from '../contract.js';

export type RpcCallErrorCode = RpcError['code'] | 'disconnected';

export class RpcCallError extends Error {
  override readonly name = 'RpcCallError';
  readonly code: RpcCallErrorCode;
  readonly detail?: string;
  constructor(error: { code: RpcCallErrorCode; message: string; detail?: string }) {
    super(error.message);
    this.code = error.code;
    if (error.detail !== undefined) this.detail = error.detail;
  }
}
