// The headless window's access token (electron/common/headless-token.ts): taken from the address's
// fragment on first load, kept in this tab's session storage, and the fragment removed from the
// address bar and history. Never put in a cookie, a query or the DOM.
import { tokenFragmentKey } from '../../../electron/common/headless-token.js';

const storageKey = 'hoist-token';

/** The token for this tab, or undefined when the page was opened without the address Hoist printed. */
export function takeToken(): string | undefined {
  const fromFragment = new URLSearchParams(location.hash.slice(1)).get(tokenFragmentKey);
  try {
    if (fromFragment) {
      sessionStorage.setItem(storageKey, fromFragment);
      history.replaceState(history.state, '', `${location.pathname}${location.search}`);
    }
    return sessionStorage.getItem(storageKey) ?? undefined;
  } catch {
    // Storage refused (a locked-down browser): the token still works for this page's life.
    return fromFragment ?? undefined;
  }
}
