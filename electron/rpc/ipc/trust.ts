// Who may talk to the engine over IPC: our window's main frame, showing our own page. Kept free of
// Electron imports (it compares plain objects) so a unit test can exercise it without Electron.

import { isSameDocument } from '../../common/same-document.js';

/** The parts of Electron's WebFrameMain this check reads. */
export interface FrameLike {
  readonly url: string;
}

/**
 * True when the sender is exactly our window's main frame (not an iframe, not another window) and that
 * frame shows our page (a navigation that slipped through would not inherit the engine).
 */
export function isTrustedSender(sender: FrameLike | null | undefined, mainFrame: FrameLike, appUrl: string): boolean {
  if (!sender || sender !== mainFrame) return false;
  return isSameDocument(sender.url, appUrl);
}
