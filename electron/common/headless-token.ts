// How the headless window carries its access token (docs/ARCHITECTURE.md, Contracts: who reaches the engine): it
// arrives in the URL's fragment, which browsers never send to a server (so it is in no request, log or
// Referer); the page keeps it in session storage, and presents it on the WebSocket as a subprotocol and
// on staging uploads as a Bearer header. No cookie: cookies do not separate ports, so any other server
// on 127.0.0.1 would receive one. Shared by the daemon (electron/daemon) and the window (renderer/).

/** The subprotocol the daemon answers with; the page offers it along with the token's. */
export const rpcSubprotocol = 'hoist.rpc';

/** The token offered as a subprotocol of its own: `hoist.token.<token>` (base64url is a valid token). */
export const tokenSubprotocolPrefix = 'hoist.token.';

/** `#token=<token>` in the address the daemon prints. */
export const tokenFragmentKey = 'token';

/** The address to open: the token after `#`, never in the query. */
export function headlessUrl(origin: string, token: string): string {
  return `${origin}/#${tokenFragmentKey}=${token}`;
}
