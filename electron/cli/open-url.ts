// Opens an address in the user's browser where there is a desktop to show it on; does nothing on a
// server or over SSH (the address is printed anyway). A failure to open is not an error.
import { spawn } from 'node:child_process';

function opener(): string[] | undefined {
  if (process.platform === 'darwin') return ['open'];
  if (process.platform === 'win32') return ['explorer.exe'];
  return process.env.DISPLAY || process.env.WAYLAND_DISPLAY ? ['xdg-open'] : undefined;
}

export async function openInBrowser(url: string): Promise<void> {
  const command = opener();
  if (!command) throw new Error('no desktop to open a browser on');
  await new Promise<void>((resolve, reject) => {
    const child = spawn(command[0]!, [...command.slice(1), url], { stdio: 'ignore', detached: true });
    child.once('error', reject);
    child.once('spawn', () => {
      child.unref();
      resolve();
    });
  });
}
