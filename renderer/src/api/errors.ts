// A message fit for the user, whatever was thrown. RpcCallError (electron/common/rpc/errors.ts) carries
// the engine's own message, so it shows as it is.
export function messageOf(err: unknown): string {
  if (err instanceof Error && err.message) return err.message;
  return 'Something went wrong.';
}
