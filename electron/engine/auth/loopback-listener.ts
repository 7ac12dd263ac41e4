// The redirect target of a browser sign-in (native apps, loopback redirect): an HTTP listener on
// 127.0.0.1 and a random port that lives only until one answer arrives or the sign-in is abandoned. It
// checks `state` before anything else, hands the code on, and holds the browser's request until the
// sign-in is finished so that the tab says how it ended.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BrowserSignInError } from './errors.js';

export interface LoopbackAnswer {
  code: string;
  /** The provider's `iss` response parameter, when it sends one. */
  iss?: string;
}

export interface LoopbackListener {
  /** `http://127.0.0.1:<port>/callback` */
  redirectUri: string;
  /**
   * Waits for the redirect. `finish` runs with the code; the tab shows its outcome. Rejects with a
   * BrowserSignInError for a cancelled or refused sign-in, a forged `state`, or the time running out.
   */
  wait<T>(finish: (answer: LoopbackAnswer) => Promise<T>): Promise<T>;
  close(): void;
}

const CLOSE_TAB = 'You can close this tab and return to Hoist.';

export async function startLoopbackListener(options: {
  expectedState: string;
  timeoutMs: number;
}): Promise<LoopbackListener> {
  let onRequest: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    // Browsers also ask for /favicon.ico and the like: only the callback counts.
    if (req.method !== 'GET' || url.pathname !== '/callback' || !onRequest)
      return void sendPage(res, 404, 'Not found', CLOSE_TAB);
    onRequest(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  let timer: NodeJS.Timeout | undefined;
  const close = (): void => {
    clearTimeout(timer);
    server.close();
    server.closeIdleConnections();
  };

  return {
    redirectUri: `http://127.0.0.1:${port}/callback`,
    close,
    wait(finish) {
      return new Promise((resolve, reject) => {
        timer = setTimeout(() => {
          onRequest = undefined;
          close();
          reject(new BrowserSignInError('The sign-in took too long and was stopped. Start it again.'));
        }, options.timeoutMs);
        const end = (res: ServerResponse, ok: boolean, message: string): void => {
          clearTimeout(timer);
          onRequest = undefined;
          sendPage(
            res,
            ok ? 200 : 400,
            ok ? 'Signed in to Hoist' : 'Sign-in did not finish',
            `${message} ${CLOSE_TAB}`,
          );
          close();
        };
        onRequest = (req, res) => {
          const params = new URL(req.url ?? '/', 'http://127.0.0.1').searchParams;
          // The state comes first: an answer to a request this app did not make is refused whatever it says.
          if (params.get('state') !== options.expectedState) {
            const error = new BrowserSignInError(
              'The sign-in answer did not match the request Hoist made (its state was wrong), so it was refused. Start again.',
            );
            end(res, false, error.message);
            return reject(error);
          }
          const providerError = params.get('error');
          const code = params.get('code');
          if (providerError || !code) {
            const error = new BrowserSignInError(
              providerError === 'access_denied'
                ? 'The sign-in was cancelled at your organisation’s sign-in page.'
                : `Your organisation’s sign-in page refused the sign-in (${(providerError ?? 'no code').slice(0, 64)}).`,
            );
            end(res, false, error.message);
            return reject(error);
          }
          onRequest = undefined; // one answer only
          const iss = params.get('iss');
          finish({ code, ...(iss ? { iss } : {}) }).then(
            (value) => {
              end(res, true, 'You are signed in.');
              resolve(value);
            },
            (error: unknown) => {
              end(res, false, error instanceof Error ? error.message : 'The sign-in failed.');
              reject(error instanceof Error ? error : new BrowserSignInError(String(error)));
            },
          );
        };
      });
    },
  };
}

function sendPage(res: ServerResponse, status: number, title: string, text: string): void {
  const escape = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const body = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title></head><body style="font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto"><h1>${escape(title)}</h1><p>${escape(text)}</p></body></html>`;
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
    'referrer-policy': 'no-referrer',
  });
  res.end(body);
}
