// Whether a URL shows the app's own page: same scheme, host and path (query and fragment may differ).
// Shared by the window's navigation guard and the IPC sender check.
export function isSameDocument(url: string, appUrl: string): boolean {
  try {
    const a = new URL(url);
    const b = new URL(appUrl);
    return a.protocol === b.protocol && a.host === b.host && a.pathname === b.pathname;
  } catch {
    return false;
  }
}
