// A native yes/no question with the safe answer first and the default (Escape and Enter keep it), shown on
// the window when it is open, else on its own. True only when the person picked the second, risky button.
import { dialog, type BrowserWindow, type MessageBoxOptions } from 'electron';

export async function confirm(
  question: Pick<MessageBoxOptions, 'type' | 'title' | 'message' | 'detail'> & { safe: string; risky: string },
  window: BrowserWindow | undefined,
): Promise<boolean> {
  const { safe, risky, ...text } = question;
  const options: MessageBoxOptions = { ...text, buttons: [safe, risky], defaultId: 0, cancelId: 0, noLink: true };
  const result =
    window && !window.isDestroyed()
      ? await dialog.showMessageBox(window, options)
      : await dialog.showMessageBox(options);
  return result.response === 1;
}
