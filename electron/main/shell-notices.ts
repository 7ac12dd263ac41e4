// The shell's own words to the person, outside the window: a system notification where the desktop has
// them, else a small dialog. Used for what the window cannot say because it is closed — that Hoist keeps
// uploading in the tray, that a restart to update waits for the uploads — and the question Quit asks.
import { Notification, dialog, type BrowserWindow } from 'electron';
import { confirm } from './confirm.js';

export function tellPerson(title: string, body: string, onClick?: () => void): void {
  if (Notification.isSupported()) {
    const notification = new Notification({ title, body });
    if (onClick) notification.on('click', onClick);
    notification.show();
    return;
  }
  void dialog.showMessageBox({ type: 'info', title, message: title, detail: body, buttons: ['OK'] });
}

export const closeToTrayNotice = {
  title: 'Hoist is still running',
  body: 'Uploads continue with the window closed. Open Hoist or quit it from its icon in the tray.',
};

export const restartDeferredNotice = {
  title: 'Hoist will restart to update',
  body: 'The update is installed as soon as the uploads running now have finished.',
};

/** Asks before quitting with uploads running; true to quit. Keep uploading is the default. */
export async function confirmQuit(
  question: { message: string; detail: string },
  window: BrowserWindow | undefined,
): Promise<boolean> {
  return confirm(
    {
      type: 'question',
      title: 'Quit Hoist',
      message: question.message,
      detail: question.detail,
      safe: 'Keep uploading',
      risky: 'Quit',
    },
    window,
  );
}
